/** Types shared by the backend providers. */

/** A backend PixPNet can run on, fastest first. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** What a user may ask for: a backend, or `auto` for the fastest that loads. */
export type BackendChoice = 'auto' | BackendName;

/** Options a provider receives. */
export interface ActivateOptions {
  /** Threads for backends that take a count (wasm). */
  threads: number;
}

/** What a provider reports once its backend is active. */
export interface ActiveBackend {
  /** SIMD in use, or `null` where the notion does not apply (native TensorFlow). */
  simd: boolean | null;
  /** Threads the backend computes with. */
  threads: number;
  /** Kernels PixPNet registered on it. */
  kernels: string[];
}

/** One backend: how to load it and make it the tfjs backend. */
export interface BackendProvider {
  name: BackendName;
  /** The name tfjs registers the backend under. */
  tfName: string;
  /** Loads and activates the backend, or throws {@link BackendUnavailableError}. */
  activate(options: ActivateOptions): Promise<ActiveBackend>;
}

/** Thrown by a provider whose backend cannot be had here; `hint` says how to get it. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`Backend '${backend}' is not available: ${reason}. ${hint}`);
    this.name = 'BackendUnavailableError';
  }
}
