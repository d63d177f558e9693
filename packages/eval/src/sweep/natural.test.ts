import { describe, expect, it } from 'vitest';
import { compareSweepRows, naturalCompare } from './natural.js';

describe('naturalCompare', () => {
  it('compares the numeric parts of model names as numbers', () => {
    const shuffled = ['vgg19', 'resnet101', 'vgg16_bn', 'resnet18', 'vgg13', 'resnet50', 'vgg11', 'vgg16', 'densenet201', 'densenet121'];
    expect([...shuffled].sort(naturalCompare)).toEqual(['densenet121', 'densenet201', 'resnet18', 'resnet50', 'resnet101', 'vgg11', 'vgg13', 'vgg16', 'vgg16_bn', 'vgg19']);
    expect(['regnet_x_16gf', 'regnet_x_1_6gf', 'regnet_x_3_2gf', 'regnet_x_400mf'].sort(naturalCompare)).toEqual(['regnet_x_1_6gf', 'regnet_x_3_2gf', 'regnet_x_16gf', 'regnet_x_400mf']);
    expect(['features.10', 'features.9', 'features.1'].sort(naturalCompare)).toEqual(['features.1', 'features.9', 'features.10']);
  });

  it('is a consistent order: equal strings give 0, swapping gives the opposite sign', () => {
    expect(naturalCompare('vgg11', 'vgg11')).toBe(0);
    expect(naturalCompare('a1', 'a01')).toBe(-1);
    expect(naturalCompare('a01', 'a1')).toBe(1);
    expect(naturalCompare('vgg16', 'vgg16_bn')).toBe(-1);
    expect(naturalCompare('', 'a')).toBe(-1);
  });

  it('orders sweep rows by dataset, model, then stage number', () => {
    const row = (dataset: string, model: string, stageNumber: number) => ({ dataset, model, stageNumber, stageName: `s${stageNumber}`, height: 64, width: 64 });
    const rows = [row('imagenette', 'vgg11', 3), row('cifar10', 'vgg13', 1), row('imagenette', 'resnet50', 2), row('imagenette', 'vgg11', 2), row('imagenette', 'resnet18', 9)];
    expect(rows.sort(compareSweepRows).map((r) => `${r.dataset}/${r.model}/${r.stageNumber}`))
      .toEqual(['cifar10/vgg13/1', 'imagenette/resnet18/9', 'imagenette/resnet50/2', 'imagenette/vgg11/2', 'imagenette/vgg11/3']);
  });
});
