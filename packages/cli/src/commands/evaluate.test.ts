import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import type { InterpretabilityResult } from '@pixpnet/eval';
import { formatInterpretability } from '../evaluation.js';
import { interpretabilityOptions } from './evaluate.js';

describe('pixpnet evaluate options', () => {
  it('the legacy flags reach the library options; none given, none set', () => {
    expect(interpretabilityOptions({ 'eval.legacyMissingPartNan': true, 'eval.legacySoftStability': true, 'rot.legacyCounting': true })).toMatchObject({
      legacyMissingPartNan: true, legacySoftStability: true, rot: { legacyRotCounting: true },
    });
    const none = interpretabilityOptions({});
    expect(none.legacyMissingPartNan).toBeUndefined();
    expect(none.legacySoftStability).toBeUndefined();
    expect(none.rot?.legacyRotCounting).toBeUndefined();
    expect(none.partTopK).toBeUndefined();
    expect(interpretabilityOptions({ 'eval.partTopK': 5, metrics: ['part-correctness'] })).toMatchObject({ partTopK: 5, metrics: ['part-correctness'] });
  });

  it('the ROT is the fast test unless --rot.steps or --rot.exact says otherwise; both together are refused', () => {
    expect(interpretabilityOptions({}).rot).toEqual({ steps: 33 });
    expect(interpretabilityOptions({ 'rot.steps': 5 }).rot).toEqual({ steps: 5 });
    expect(interpretabilityOptions({ 'rot.exact': true }).rot).toEqual({});
    expect(() => interpretabilityOptions({ 'rot.exact': true, 'rot.steps': 5 })).toThrow(/--rot\.exact .*--rot\.steps 5.*give one of the two/);
  });

  it('--help documents each legacy behaviour and the default', () => {
    // a subcommand's --help exits the process: the binary, in a child process
    const out = execFileSync(process.execPath, [fileURLToPath(new URL('../../bin/pixpnet.js', import.meta.url)), 'evaluate', '--help'], { encoding: 'utf8' });
    const help = out.replace(/\s+/g, ' ');
    expect(help).toMatch(/--eval\.legacy-missing-part-nan the reference's consistency: a prototype whose class's images never show some part scores NaN.*\(default: that part is left out of the prototype's best part\)/);
    expect(help).toMatch(/--eval\.legacy-soft-stability the reference's soft stability.*\(default: two empty part sets are identical, Jaccard 1\)/);
    expect(help).toMatch(/--metrics <list> comma-separated among consistency, stability, part-correctness, rot/);
    expect(help).toMatch(/--eval\.part-top-k <k> part-correctness: each prototype's k test images of highest similarity, of any class, judged by whether its box holds a part that defines the prototype's class .*default: 10\)/);
    expect(help).not.toMatch(/spec/i);
    expect(help).toMatch(/--rot\.steps <k> evaluate k pixel counts and integrate between them \(default: 33, the fast test\)/);
    expect(help).toMatch(/--rot\.exact the exact test: every pixel count/);
    expect(help).toMatch(/--rot\.legacy-counting the reference's per-batch image counting: each test batch's evaluated images.*\(default: each prototype's curve over the images it was evaluated on\)/);
  });
});

describe('the evaluation table', () => {
  const result = (soft: number | null): InterpretabilityResult => ({
    parameters: {},
    skipped: {},
    consistency: { bbox: { soft, hard: 0, quantiles: { soft: [], hard: [] }, perPrototype: { soft: [], hard: [] } } },
    stability: { bbox: { soft: 1, hard: 1, quantiles: { soft: [], hard: [] }, perPrototype: { soft: [], hard: [] } } },
  } as unknown as InterpretabilityResult);

  it('shows n/a for a NaN score (every prototype NaN under a legacy flag), and for the null it is in interpretability.yaml', () => {
    expect(formatInterpretability(result(NaN))).toMatch(/bbox \(RF, ours\)\s+n\/a\s+0\.000\s+1\.000\s+1\.000/);
    const reread = YAML.parse(YAML.stringify({ ...result(null) })) as InterpretabilityResult;
    expect(reread.consistency!['bbox']!.soft).toBeNull();
    expect(formatInterpretability(reread)).toMatch(/bbox \(RF, ours\)\s+n\/a\s+0\.000/);
  });

  it('part-correctness is a last column when it was computed (with its k), its skip reason a line', () => {
    const r = { ...result(0.5), parameters: { partTopK: 10 }, partCorrectness: { bbox: { score: 0.75, quantiles: [], perPrototype: [] } } } as InterpretabilityResult;
    const table = formatInterpretability(r);
    expect(table).toMatch(/box method\s+consistency soft\s+consistency hard\s+stability soft\s+stability hard\s+part-correctness \(top 10\)/);
    expect(table).toMatch(/bbox \(RF, ours\)\s+0\.500\s+0\.000\s+1\.000\s+1\.000\s+0\.750/);
    expect(formatInterpretability(result(0.5))).not.toContain('part-correctness');
    const skipped = formatInterpretability({ ...result(0.5), skipped: { 'part-correctness': 'the dataset does not name the parts that define each class' } });
    expect(skipped).toContain('part-correctness: skipped (the dataset does not name the parts that define each class)');
  });
});
