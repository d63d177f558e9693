import { describe, expect, it } from 'vitest';
import { REPORT_CSP, reportHtml } from './html.js';
import type { ReportInput } from './html.js';
import { trainingCurvesSvg } from './curves.js';

/** Markup a tampered run could hold, each setting a global the test would see. */
const IMG = '<img src=x onerror="window.pwned=1">';
const SCRIPT = '<script>window.pwned=2</script>';
const SVG = '<svg onload="window.pwned=3"></svg>';

/** A report of a run whose every string is markup. */
function tampered(): ReportInput {
  return {
    title: `PixPNet run ${IMG}`, runDir: `/runs/${SCRIPT}`,
    config: { 'model.feature-extractor': IMG, 'model.feature-layer': SCRIPT, 'model.num-prototypes': SVG, 'dataset.name': IMG, [IMG]: [SCRIPT, SVG] },
    scores: { [SCRIPT]: 0.5, test_accuracy: IMG as unknown as number },
    modelInfo: { backend: SVG, [IMG]: 1 },
    gallery: {
      image: 'prototypes.png', classNames: [IMG],
      entries: [{ prototype: 0, class: 0, sample: 1, samplePath: SCRIPT, box: [0, 0, 4, 4], parts: [{ id: 0, name: SVG }, { id: 1, name: IMG }], definingPart: true }],
    },
    explanations: [{
      image: 'explanations/a.png',
      record: { image: IMG, predicted: { index: 0, name: SCRIPT }, actual: { index: 1, name: SVG }, logits: [1], heatmap: IMG, sort: SCRIPT,
        prototypes: [{ prototype: 0, class: IMG, similarity: 1, contribution: 1, box: [0, 0, 4, 4], source: 1 }] },
    }],
    interpretability: {
      record: {
        consistency: { [IMG]: { soft: SCRIPT, hard: 1 } }, stability: { [IMG]: { soft: 1, hard: SVG } }, partCorrectness: { [SVG]: { score: IMG } },
        parameters: { partTopK: SCRIPT },
        rot: { [SCRIPT]: { area: IMG, pctAtOrigSim: 1, forwards: SVG }, broken: null, text: 'x' },
        skipped: { [SVG]: IMG },
        collapsed: [IMG],
      },
    },
  };
}

describe('reportHtml: nothing of the run becomes markup', () => {
  it('has a Content-Security-Policy first in its head that allows no script and no request but its own images', () => {
    const html = reportHtml({ title: 't', runDir: '/r', config: {}, explanations: [] });
    expect(html).toMatch(/^<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="([^"]*)">/);
    const csp = Object.fromEntries(REPORT_CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['script-src']).toBeUndefined(); // falls back to 'none'
    expect(csp['img-src']).toEqual(["'self'", 'data:']);
    expect(csp['base-uri']).toEqual(["'none'"]);
    expect(html).toContain(`content="${REPORT_CSP}"`);
  });

  it('escapes every string of the run: configuration, scores, model facts, gallery, explanations, interpretability keys and values', () => {
    const html = reportHtml(tampered());
    // escaped text holds no '<': every '<' opens one of the page's own elements, none with an event handler
    const tags = [...html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)];
    expect(new Set(tags.map((t) => t[1]!.toLowerCase()))).toEqual(new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'p', 'code', 'nav', 'a', 'main',
      'section', 'h2', 'table', 'caption', 'thead', 'tr', 'th', 'tbody', 'td', 'figure', 'img', 'figcaption', 'strong', 'details', 'summary']));
    for (const [tag, , attrs] of tags) {
      // escaped values hold no '"': without them, what is left of a tag is its attribute names
      const names = attrs!.replace(/"[^"]*"/g, '').trim().split(/=?\s+|=$/).filter(Boolean);
      for (const n of names) expect(n, tag).toMatch(/^(lang|charset|http-equiv|content|name|id|aria-label|aria-labelledby|href|scope|class|role|src|alt|data-prototype)$/);
    }
    expect(html.match(/<img /g)).toHaveLength(2); // the gallery and the explanation, nothing else
    expect(html).toContain('&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;');
    expect(html).toContain('&lt;script&gt;window.pwned=2&lt;/script&gt;');
    expect(html).toContain('<th scope="row">broken</th><td>n/a</td><td>n/a</td><td>n/a</td>'); // an entry that is not a mapping
  });
});

describe('reportHtml: prototypes and part-correctness', () => {
  const entry = (prototype: number, parts: Array<{ id: number; name: string }> | null, definingPart: boolean | null) =>
    ({ prototype, class: 0, sample: 1, samplePath: 'a.png', box: [0, 0, 4, 4] as [number, number, number, number], parts, definingPart });

  it('labels each prototype by the parts in its receptive field, "background" when none, and counts those that hold a defining part', () => {
    const html = reportHtml({
      title: 't', runDir: '/r', config: {}, explanations: [],
      gallery: { image: 'prototypes.png', classNames: ['wren'], entries: [entry(0, [{ id: 2, name: 'beak' }, { id: 5, name: 'forehead' }], true), entry(1, [], false), entry(2, [{ id: 3, name: 'wing' }], false)] },
    });
    expect(html).toContain('<th scope="col">parts in the receptive field</th>');
    expect(html).toContain('<td>beak, forehead</td><td>yes</td>');
    expect(html).toContain('<td>background</td><td>no</td>');
    expect(html).toContain('<td>wing</td><td>no</td>');
    expect(html).toContain('<p>1 of 3 prototypes hold a part that defines their class in their receptive field; 1 of 3 hold no part (background).</p>');
    // a dataset without parts: n/a, no count
    const none = reportHtml({ title: 't', runDir: '/r', config: {}, explanations: [], gallery: { image: 'p.png', classNames: ['wren'], entries: [entry(0, null, null)] } });
    expect(none).toContain('<td>n/a</td><td>n/a</td>');
    expect(none).not.toContain('hold no part');
  });

  it('shows part-correctness as a column of the box-method table when it was computed, and explains it', () => {
    const scores = { soft: 0.5, hard: 0.25 };
    const html = reportHtml({ title: 't', runDir: '/r', config: {}, explanations: [], interpretability: { record: {
      parameters: { partTopK: 10 }, consistency: { bbox: scores, upsample: scores }, stability: { bbox: scores, upsample: scores }, partCorrectness: { bbox: { score: 0.75 }, upsample: { score: 0.5 } },
    } } });
    expect(html).toContain('<caption>Consistency, stability and part-correctness of the prototype boxes</caption>');
    expect(html).toContain('<th scope="col">part-correctness (top 10)</th>');
    expect(html).toContain('<th scope="row">bbox</th><td>0.500</td><td>0.250</td><td>0.500</td><td>0.250</td><td>0.750</td>');
    expect(html).toMatch(/<p>Part-correctness: for each prototype, its 10 test images of highest similarity \(of any class\)/);
    const old = reportHtml({ title: 't', runDir: '/r', config: {}, explanations: [], interpretability: { record: { consistency: { bbox: scores } } } });
    expect(old).toContain('<caption>Consistency and stability of the prototype boxes</caption>');
    expect(old).not.toContain('part-correctness');
  });
});

describe('reportHtml: a collapsed model', () => {
  it('is said above the interpretability figures, whose captions say they are not meaningful', () => {
    const html = reportHtml({ ...tampered(), interpretability: { record: { collapsed: ['the similarity maps are flat'], consistency: { bbox: { soft: 0.2, hard: 0 } }, stability: { bbox: { soft: 1, hard: 1 } } } } });
    expect(html).toMatch(/<p class="warning" role="alert"><strong>Collapsed model:<\/strong> the similarity maps are flat\. Its prototypes do not depend on the image, so the figures below mean nothing \(perfect stability included\)/);
    expect(html).toContain('<caption>Consistency and stability of the prototype boxes (collapsed model: not meaningful)</caption>');
    expect(reportHtml({ ...tampered(), interpretability: { record: { consistency: { bbox: { soft: 0.2, hard: 0 } } } } })).not.toContain('Collapsed model');
  });
});

describe('trainingCurvesSvg: values of metrics.csv that are not numbers draw nothing', () => {
  it('leaves out non-finite steps and values, and no column name or value becomes markup', async () => {
    const rows = [
      { step: 0, train_total_loss: 2, train_accuracy: 0.1 },
      { step: 1, train_total_loss: 1.5, train_accuracy: 0.2, [IMG]: 3 },
      { step: SCRIPT, train_total_loss: IMG, val_accuracy: SVG },
      { step: Number.NaN, train_total_loss: 9 },
    ] as unknown as Array<Record<string, number>>;
    const svg = await trainingCurvesSvg(rows);
    expect(svg).not.toMatch(/<script|<img|onerror|onload|pwned/i);
    expect(svg).toContain('<svg');
  });
});
