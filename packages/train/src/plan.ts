/**
 * The plan of a run from its configuration alone, before any I/O: settings checked, the dataset's key, preset and
 * input size, the model (backbone graph, cut, latent grid, exact receptive fields) and where its pretrained weights
 * come from. A bad backbone, cut layer, dataset name or missing weights file is refused here, before a dataset is
 * generated or a run directory created.
 */
import fs from 'node:fs';
import { datasetSpec } from '@pixpnet/data';
import type { DatasetSpec } from '@pixpnet/data';
import { checkHead, planBackbone } from '@pixpnet/models';
import type { BackbonePlan } from '@pixpnet/models';
import { defaultPretrained } from '@pixpnet/models/node';
import type { FlatConfig } from './config.js';
import { checkSettings, settingsOf } from './settings.js';
import type { Settings } from './settings.js';

/** What {@link planRun} returns. */
export interface RunPlan {
  settings: Settings;
  dataset: DatasetSpec;
  model: BackbonePlan;
  /** The pretrained weights (a path, an http(s) URL or `hf:`), or false. */
  pretrained: string | false;
}

/** Options of {@link planRun}. */
export interface PlanOptions {
  /** Check that the pretrained weights can be had (default true; a resume from a checkpoint needs none). */
  weights?: boolean;
}

/** Plans a run (see the module comment). Errors name the option and the fix. */
export function planRun(config: FlatConfig, options: PlanOptions = {}): RunPlan {
  const s = settingsOf(config);
  checkSettings(s);
  const dataset = datasetSpec(s.dataset.name, { cropToBbox: s.dataset.cropToBbox });
  const m = s.model;
  let model: BackbonePlan;
  try {
    model = planBackbone(m.featureExtractor, m.featureLayer, [dataset.inputSize, dataset.inputSize]);
  } catch (e) {
    const msg = (e as Error).message.replace(/^Unknown model/, '--model.feature-extractor: unknown model').replace(/ has no layer /, ' has no layer (--model.feature-layer) ');
    throw new Error(msg);
  }
  let pretrained: string | false = false;
  if (m.pretrained && options.weights !== false) {
    const src = m.pretrainedWeights ?? defaultPretrained(m.featureExtractor);
    if (!src) {
      throw new Error(`--model.pretrained: no known ImageNet weights for ${m.featureExtractor}. Give --model.pretrained-weights (a file, an http(s) URL or ` +
        'hf:<org>/<repo>) or pass --model.no-pretrained.');
    }
    const remote = /^https?:\/\//.test(src) || src.startsWith('hf:');
    if (!remote && !fs.existsSync(src)) throw new Error(`--model.pretrained-weights ${src}: no such file. Give a file path, an http(s) URL or hf:<org>/<repo>.`);
    pretrained = src;
  }
  return { settings: s, dataset, model, pretrained };
}

/** Checks the head against the dataset's number of classes (prototypes a multiple of it, readout), naming the options. */
export function checkRunHead(s: Settings, numClasses: number): void {
  try {
    checkHead({ numClasses, numPrototypes: s.model.numPrototypes, classSpecific: s.model.classSpecific, readout: s.model.readoutType });
  } catch (e) {
    const msg = (e as Error).message.replace(/^numPrototypes/, '--model.num-prototypes').replace(/numClasses \((\d+)\)/, 'the dataset\'s $1 classes')
      .replace('(classSpecific: true)', '(--model.class-specific)');
    throw new Error(msg);
  }
}
