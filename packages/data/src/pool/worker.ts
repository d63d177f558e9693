/** The worker of {@link ImagePool}: runs one {@link ImageTask} and transfers (does not copy) its pixels back. */
import { Piscina } from 'piscina';
import { runImageTask } from './task.js';
import type { ImageTask } from './task.js';

export default async function run(task: ImageTask): Promise<unknown> {
  const result = await runImageTask(task, true);
  return Piscina.move({ [Piscina.transferableSymbol]: [result.data.buffer], [Piscina.valueSymbol]: result } as unknown as Parameters<typeof Piscina.move>[0]);
}
