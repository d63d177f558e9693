/**
 * `@pixpnet/data`: Datasets, image decoding, transforms, augmentation and loaders for PixPNet.
 *
 * @packageDocumentation
 */
export {};
