import { describe, expect, it } from 'vitest';
import { flatten, resolveConfig } from './config.js';

const yaml = `
dataset: {name: SYNTHPARTS, val-size: .1}
model:
  feature-extractor: vgg_nano_bn
  feature-layer: maxpool3
  readout-type: proto
train:
  epochs: 3
  no-push-prototypes: true
optimizer: {lr-schedule: [10]}
`;

describe('resolveConfig (spec §3.10)', () => {
  it('applies defaults < file < command line, with the dashed nested keys and no-flags', () => {
    const c = resolveConfig(yaml, { 'train.epochs': 7 });
    expect(c['dataset.val-size']).toBe(0.1);
    expect(c['train.epochs']).toBe(7);
    expect(c['train.push-prototypes']).toBe(false);
    expect(c['model.distance']).toBe('l2'); // default
    expect(c['optimizer.lr-schedule']).toEqual([10]);
    expect(flatten({ a: { b: null, c: 1 } })).toEqual({ 'a.c': 1 });
  });

  it('names unknown keys, wrong types and bad choices before any work', () => {
    expect(() => resolveConfig(yaml, { 'train.epoch': 3 })).toThrow(/unknown option 'train.epoch' \(options of that section: train.epochs,/);
    expect(() => resolveConfig(yaml, { 'model.distance': 'manhattan' })).toThrow(/'model.distance' must be one of l2, cosine, got "manhattan"/);
    expect(() => resolveConfig(yaml, { 'train.epochs': 2.5 })).toThrow(/'train.epochs' must be integer, got 2.5/);
    expect(() => resolveConfig('model: {feature-layer: x}')).toThrow(/'dataset.name' is required/);
    expect(() => resolveConfig('a: [', {}, 'bad.yaml')).toThrow(/bad.yaml is not valid YAML/);
  });

  it('refuses a negatable flag that is not true or false (YAML "yes" was dropped silently)', () => {
    expect(() => resolveConfig(`${yaml}\nmodel2: 1`.replace('model2: 1', ''), { 'model.no-pretrained': 'yes' })).toThrow(/'model.no-pretrained' must be true or false, got "yes"/);
    expect(() => resolveConfig(yaml.replace('no-push-prototypes: true', 'no-push-prototypes: yes'), {}, 'demo.yaml')).toThrow(/\(demo.yaml\): 'train.no-push-prototypes' must be true or false, got "yes"/);
    expect(resolveConfig(yaml.replace('no-push-prototypes: true', 'no-push-prototypes: false'))['train.push-prototypes']).toBe(true);
  });

  it('bounds from the option table, with the option named', () => {
    expect(() => resolveConfig(yaml, { 'optimizer.lr': -0.1 })).toThrow(/'optimizer.lr' must be > 0, got -0.1/);
    expect(() => resolveConfig(yaml, { 'loss.cluster': -1 })).toThrow(/'loss.cluster' must be >= 0, got -1/);
    expect(() => resolveConfig(yaml, { 'train.epochs': 1e9 })).toThrow(/'train.epochs' must be <= 100000, got 1000000000/);
    expect(() => resolveConfig(yaml, { 'model.num-prototypes': 10_000_000 })).toThrow(/'model.num-prototypes' must be <= 100000/);
    expect(() => resolveConfig(yaml, { 'dataset.val-size': 1 })).toThrow(/'dataset.val-size' must be < 1, got 1/);
    expect(() => resolveConfig(yaml, { 'optimizer.momentum': 1.5, 'train.batch-size': 0 })).toThrow(/'train.batch-size' must be >= 1, got 0; 'optimizer.momentum' must be < 1, got 1.5/);
  });

  it('refuses a run id that is not one folder name, naming the flag or the file and what is allowed', () => {
    expect(() => resolveConfig(yaml, { 'run-id': '../../x' })).toThrow(/^Invalid configuration: --run-id "\.\.\/\.\.\/x" cannot be part of the run directory's name \(<log-dir>\/<dataset>__<run-id>\/…\): it contains '\/'\. Give a single folder name: no '\/', '\\'/);
    expect(() => resolveConfig(`${yaml}\nrun-id: ../escape\n`, {}, 'my.yaml')).toThrow(/^Invalid configuration: 'run-id' in my\.yaml "\.\.\/escape" cannot be part/);
    for (const [id, why] of [['..', "it is '..'"], ['.', "it is '.'"], ['', 'it is empty'], ['a\\b', "it contains '\\'"], ['a\0b', 'it contains NUL'],
      ['tab\there', 'it contains U+0009'], ['x:y', "it contains ':'"], ['trailing.', 'it ends in a space or a dot'], ['é'.repeat(101), 'it is 202 bytes long']] as const) {
      expect(() => resolveConfig(yaml, { 'run-id': id }), JSON.stringify(id)).toThrow(`: ${why}. Give`);
    }
    for (const id of ['lr0.01_seed3', 'a..b', 'exp-1 (retry)', 'ü']) expect(resolveConfig(yaml, { 'run-id': id })['run-id']).toBe(id);
  });
});
