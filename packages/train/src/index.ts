/**
 * `@pixpnet/train`: The PixPNet training loop, losses, optimizers, schedules, push, checkpoints and run outputs.
 *
 * @packageDocumentation
 */
export {};
