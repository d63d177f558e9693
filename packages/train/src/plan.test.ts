import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.js';
import { checkRunHead, planRun } from './plan.js';

const yaml = `
dataset: {name: SYNTHPARTS}
model: {feature-extractor: vgg_nano_bn, feature-layer: maxpool3, no-pretrained: true, num-prototypes: 20}
`;

describe('planRun', () => {
  it('plans the dataset and the model from the configuration alone', () => {
    const p = planRun(resolveConfig(yaml, {}));
    expect(p.dataset).toMatchObject({ key: 'SYNTHPARTS', inputSize: 64 });
    expect(p.model.latentGrid).toEqual([8, 8]);
    expect(p.model.rfBoxes).toHaveLength(64);
    expect(p.model.rfBoxes[0]![0]).toBe(0);
    expect(p.pretrained).toBe(false);
    expect(planRun(resolveConfig(yaml, { 'model.pretrained': true, 'model.feature-extractor': 'vgg11_bn', 'model.feature-layer': 'maxpool2' })).pretrained)
      .toBe('hf:timm/vgg11_bn.tv_in1k');
  });

  it('names the option and the fix for a bad dataset, backbone, cut, weights or head', () => {
    const plan = (o: Record<string, unknown>) => () => planRun(resolveConfig(yaml, o));
    expect(plan({ 'dataset.name': 'mnist' })).toThrow(/Unknown dataset 'mnist' \(MNIST, the reference default, is not supported\): set --dataset.name to one of/);
    expect(plan({ 'model.feature-extractor': 'resnet' })).toThrow(/--model.feature-extractor: unknown model 'resnet'. Models in the zoo: .*resnet18/);
    expect(plan({ 'model.feature-extractor': 'valueOf' })).toThrow(/unknown model 'valueOf'/); // found by npm run fuzz: not Object.prototype's
    expect(plan({ 'dataset.name': '__proto__' })).toThrow(/Unknown dataset '__proto__'/);
    expect(plan({ 'model.feature-layer': 'layer4' })).toThrow(/vgg_nano_bn has no layer \(--model.feature-layer\) 'layer4'/);
    expect(plan({ 'model.pretrained': true })).toThrow(/--model.pretrained: no known ImageNet weights for vgg_nano_bn.*--model.no-pretrained/);
    expect(plan({ 'model.pretrained': true, 'model.pretrained-weights': '/nonexistent/w.safetensors' })).toThrow(/--model.pretrained-weights \/nonexistent\/w.safetensors: no such file/);
    expect(planRun(resolveConfig(yaml, { 'model.pretrained': true, 'model.pretrained-weights': '/nonexistent/w.safetensors' }), { weights: false }).pretrained).toBe(false);
    const s = planRun(resolveConfig(yaml, {})).settings;
    expect(() => checkRunHead(s, 10)).not.toThrow();
    expect(() => checkRunHead(s, 3)).toThrow(/--model.num-prototypes \(20\) must be a multiple of the dataset's 3 classes for class-specific prototypes: try 21/);
  });
});
