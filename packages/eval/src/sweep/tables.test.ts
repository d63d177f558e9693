import { describe, expect, it } from 'vitest';
import { analyzeSweep } from './analyze.js';
import { readSweepCsv, SWEEP_COLUMNS } from './csv.js';
import { formatPct, latexEscape, paretoFrontLatex, paretoFrontMarkdown } from './tables.js';

const row = (model: string, stage: string, n: number, patch: number, acc: number, top5: number | '' = '', dataset = 'imagenette') =>
  [model, n, stage, dataset, 224, 224, acc, top5, patch, '', '', '', 'wasm', 'true', '', 's1'].join(',');
const text = [SWEEP_COLUMNS.join(','),
  row('vgg16_bn', 'maxpool4', 34, 14.213, 0.91, 0.99), row('vgg16_bn', 'maxpool5', 44, 100, 0.95, 0.995), row('vgg16_bn', 'conv1', 3, 0.0179, 0.4, 0.7),
  row('resnet18', 'layer1', 5, 20, 0.8, ''), row('squeezenet1_0', 'features.3', 4, 0.5, 0.6, 0.8),
].join('\n');
const a = analyzeSweep([readSweepCsv(text, 's.csv')]);

describe('front tables', () => {
  it('lists the front by patch %, in Markdown', () => {
    expect(paretoFrontMarkdown(a).split('\n').slice(4)).toEqual([
      '## imagenette, 224 × 224', '',
      '| Model | Stage | Patch % of Image | Top-1 | Top-5 |', '|---|---|--:|--:|--:|',
      '| vgg16_bn | conv1 | 0.0179 | 0.400 | 0.700 |',
      '| squeezenet1_0 | features.3 | 0.5 | 0.600 | 0.800 |',
      '| vgg16_bn | maxpool4 | 14.2 | 0.910 | 0.990 |',
      '| vgg16_bn | maxpool5 | 100 | 0.950 | 0.995 |', '',
    ]);
  });

  it('and in LaTeX (booktabs), escaped', () => {
    const tex = paretoFrontLatex(a);
    expect(tex).toContain('Model & Stage & Patch \\% of Image & Top-1 & Top-5 \\\\');
    expect(tex).toContain('vgg16\\_bn & maxpool4 & 14.2 & 0.910 & 0.990 \\\\');
    expect(tex).toContain('\\caption{Pareto front of test accuracy against mean receptive field size (imagenette, 224 $\\times$ 224).}');
    expect(tex.match(/\\begin\{table\}/g)).toHaveLength(1);
    expect(latexEscape('a_b & 5% #1 {x} ~^\\ –')).toBe('a\\_b \\& 5\\% \\#1 \\{x\\} \\textasciitilde{}\\textasciicircum{}\\textbackslash{} --');
  });

  it('writes a dash for a missing top-5', () => {
    const b = analyzeSweep([readSweepCsv([SWEEP_COLUMNS.join(','), row('resnet18', 'layer1', 5, 20, 0.8, '')].join('\n'), 'r.csv')]);
    expect(paretoFrontMarkdown(b)).toContain('| resnet18 | layer1 | 20 | 0.800 | – |');
    expect(paretoFrontLatex(b)).toContain('resnet18 & layer1 & 20 & 0.800 & -- \\\\');
  });

  it('formats percentages to 3 significant digits', () => {
    expect([0.017856, 14.2133, 100, 63.4765625, 0.5].map(formatPct)).toEqual(['0.0179', '14.2', '100', '63.5', '0.5']);
  });
});
