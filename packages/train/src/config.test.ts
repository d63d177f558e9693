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
});
