/**
 * `@pixpnet/models`: tfjs backbones built from the @pixpnet/symbolic IR, cut at named layers; pretrained-weight import; the ProtoNet/PixPNet head.
 *
 * @packageDocumentation
 */
export {};
