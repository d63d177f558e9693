/** Fuzzing the YAML config loader (@pixpnet/train `resolveConfig`, then `planRun`): random and damaged configs. */
import YAML from 'yaml';
import { TRAIN_OPTIONS, planRun, resolveConfig } from '@pixpnet/train';
import { isMain, judge, main } from './harness.mjs';

export const name = 'config';
const SOURCE = 'fuzz.yaml';
const SPEC = new Map(TRAIN_OPTIONS.map((o) => [o.key, o]));

/** A resolved configuration is valid when every key is an option and every value has its type, choices and bounds. */
function validConfig(c) {
  for (const [k, v] of Object.entries(c)) {
    const o = SPEC.get(k);
    if (!o) return `unknown key ${k} accepted`;
    const num = (x) => typeof x === 'number' && Number.isFinite(x);
    const ok = { int: Number.isInteger(v), float: num(v), string: typeof v === 'string', path: typeof v === 'string', flag: typeof v === 'boolean', intList: Array.isArray(v) && v.every(Number.isInteger) }[o.type];
    if (!ok) return `${k} = ${JSON.stringify(v)} accepted for a ${o.type}`;
    if (o.choices && !o.choices.includes(v)) return `${k} = ${v} outside its choices`;
    if (typeof v === 'number' && ((o.min !== undefined && v < o.min) || (o.max !== undefined && v > o.max) || (o.above !== undefined && v <= o.above) || (o.below !== undefined && v >= o.below))) {
      return `${k} = ${v} outside its bounds`;
    }
  }
  return '';
}

export function property(fc) {
  const keys = [...SPEC.keys(), 'model.no-pretrained', 'train.no-checkpoint', 'train.no-push-prototypes', 'dataset.nme', 'bogus', 'eval.rot-steps'];
  const value = fc.oneof(
    fc.integer({ min: -3, max: 300 }), fc.double(), fc.constantFrom(0, 1, 1e9, -1e-3, 0.5, 2 ** 53, 'yes', 'no', 'true', 'null', '', 'vgg_nano_bn', 'maxpool3', 'SYNTHPARTS', 'sgd', 'adam', 'cosine', 'l2'),
    fc.boolean(), fc.constant(null), fc.array(fc.integer({ min: -2, max: 300 }), { maxLength: 3 }), fc.string({ maxLength: 8 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }));
  const flat = fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 8 });
  const base = { 'dataset.name': 'SYNTHPARTS', 'model.feature-extractor': 'vgg_nano_bn', 'model.feature-layer': 'maxpool3', 'model.pretrained': false, 'model.num-prototypes': 20 };
  // nested YAML of the dashed keys, over a valid base half of the time
  const nested = fc.tuple(flat, fc.boolean()).map(([f, withBase]) => {
    const doc = {};
    for (const [k, v] of Object.entries(withBase ? { ...base, ...f } : f)) {
      const [a, b] = k.includes('.') ? k.split('.') : [k];
      if (b === undefined) doc[a] = v;
      else doc[a] = { ...(typeof doc[a] === 'object' && doc[a] !== null ? doc[a] : {}), [b]: v };
    }
    return YAML.stringify(doc);
  });
  // damaged text: a valid document with characters replaced or cut
  const damaged = fc.tuple(nested, fc.array(fc.tuple(fc.nat(), fc.constantFrom(':', '-', ' ', '\n', '[', '{', '"', "'", '&', '*', '!', '#', '\t', 'x', '9')), { maxLength: 4 }), fc.option(fc.nat()))
    .map(([t, subs, cut]) => { const a = [...t]; for (const [i, c] of subs) if (a.length) a[i % a.length] = c; const s = a.join(''); return cut === null ? s : s.slice(0, cut % (s.length + 1)); });
  const text = fc.oneof(nested, damaged, fc.string({ maxLength: 40 }), fc.constantFrom('', '---', 'a: &x [*x]', '[1, 2]', 'null', '"str"', '{a: {b: {c: 1}}}'));
  return fc.asyncProperty(text, (yaml) => judge(() => {
    const c = resolveConfig(yaml, {}, SOURCE);
    const why = validConfig(c);
    if (why) return { why };
    if (c['dataset.name'] && c['model.feature-extractor'] && c['model.feature-layer']) planRun(c);
    return { why: '' };
  }, {
    valid: (r) => r.why,
    // the loader names the file; the planner names the option (--section.key) or the dataset
    names: (m) => m.includes(SOURCE) || /--[a-z]+\.[a-z-]+|Unknown dataset/.test(m),
  }));
}

if (isMain(import.meta.url)) await main({ name, property });
