// Every failure samestory reports on purpose is a SamestoryError with a stable `code`,
// so callers can branch on codes instead of parsing messages.

export type SamestoryErrorCode =
  | 'INVALID_ARTICLE'
  | 'DUPLICATE_ID'
  | 'INVALID_VECTOR'
  | 'DIMENSION_MISMATCH'
  | 'EMBEDDER_MISMATCH'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_LOAD_FAILED'
  | 'TRANSFORMERS_UNAVAILABLE'
  | 'INVALID_OPTIONS'
  | 'NOT_FOUND'
  | 'ABORTED'
  | 'BUNDLE_INVALID'
  | 'INPUT_UNREADABLE'
  | 'OUTPUT_UNWRITABLE'
  | 'LEXICON_MISSING'
  | 'CACHE_WRITE_FAILED'
  | 'STORE_UNAVAILABLE'
  | 'SCHEMA_VERSION';

export class SamestoryError extends Error {
  override name: string = 'SamestoryError';
  readonly code: SamestoryErrorCode;

  constructor(code: SamestoryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** An article failed validation: empty text, wrong field types, and similar. */
export class InvalidArticleError extends SamestoryError {
  override name = 'InvalidArticleError' as const;
  constructor(
    message: string,
    readonly articleId?: string,
    options?: { cause?: unknown },
  ) {
    super('INVALID_ARTICLE', message, options);
  }
}

/** Two articles (or an article and one already indexed) share an id. */
export class DuplicateIdError extends SamestoryError {
  override name = 'DuplicateIdError' as const;
  constructor(readonly articleId: string) {
    super('DUPLICATE_ID', `article id '${articleId}' is already present; ids must be unique`);
  }
}

/** A vector holds NaN/Infinity or is all zeros where a direction is needed. */
export class InvalidVectorError extends SamestoryError {
  override name = 'InvalidVectorError' as const;
  constructor(message: string, readonly id?: string) {
    super('INVALID_VECTOR', message);
  }
}

/** A vector or a saved index does not have the dimension that was expected. */
export class DimensionMismatchError extends SamestoryError {
  override name = 'DimensionMismatchError' as const;
  constructor(
    readonly expected: number,
    readonly actual: number,
    context = 'vector',
  ) {
    super('DIMENSION_MISMATCH', `${context} has dimension ${actual}, expected ${expected}`);
  }
}

/** Vectors from two different embedding spaces would be mixed. */
export class EmbedderMismatchError extends SamestoryError {
  override name = 'EmbedderMismatchError' as const;
  constructor(readonly expected: string, readonly actual: string, context = 'embedder') {
    super(
      'EMBEDDER_MISMATCH',
      `${context}: vectors come from embedder '${actual}' but '${expected}' was expected; vectors of different embedders cannot be compared`,
    );
  }
}

/** A model could not be found locally and remote downloads are off (or failed). */
export class ModelNotFoundError extends SamestoryError {
  override name = 'ModelNotFoundError' as const;
  constructor(
    readonly model: string,
    readonly searchedPaths: string[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super('MODEL_NOT_FOUND', message, options);
  }
}

/** A model was found but could not be loaded or run. */
export class ModelLoadError extends SamestoryError {
  override name = 'ModelLoadError' as const;
  constructor(readonly model: string, message: string, options?: { cause?: unknown }) {
    super('MODEL_LOAD_FAILED', message, options);
  }
}

/**
 * transformers.js (`@huggingface/transformers`), an optional peer dependency needed only for
 * TransformersEmbedder and `samestory fetch-model`, is not installed (`installed: false`) or is
 * installed but fails to load (`installed: true`, with the cause).
 */
export class TransformersUnavailableError extends SamestoryError {
  override name = 'TransformersUnavailableError' as const;
  constructor(
    readonly installed: boolean,
    /** The command that installs the version samestory is tested with. */
    readonly installCommand: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('TRANSFORMERS_UNAVAILABLE', message, options);
  }
}

/** An options object holds a value outside its documented range. */
export class InvalidOptionsError extends SamestoryError {
  override name = 'InvalidOptionsError' as const;
  constructor(readonly option: string, message: string) {
    super('INVALID_OPTIONS', `option '${option}': ${message}`);
  }
}

/** An id was asked for that is not known. */
export class NotFoundError extends SamestoryError {
  override name = 'NotFoundError' as const;
  constructor(readonly id: string, what = 'article') {
    super('NOT_FOUND', `${what} '${id}' not found`);
  }
}

/** Work was cancelled through an AbortSignal. */
export class AbortedError extends SamestoryError {
  override name = 'AbortedError' as const;
  constructor(options?: { cause?: unknown }) {
    super('ABORTED', 'the operation was aborted', options);
  }
}

/** A saved bundle is missing, truncated, corrupt or of an unsupported version. */
export class BundleError extends SamestoryError {
  override name = 'BundleError' as const;
  constructor(readonly path: string, message: string, options?: { cause?: unknown }) {
    super('BUNDLE_INVALID', `${path}: ${message}`, options);
  }
}

/** An input file or stream could not be read or parsed. */
export class InputError extends SamestoryError {
  override name = 'InputError' as const;
  constructor(readonly path: string, message: string, options?: { cause?: unknown }) {
    super('INPUT_UNREADABLE', `${path}: ${message}`, options);
  }
}

/** An output file (the CLI's --html report) could not be written. */
export class OutputError extends SamestoryError {
  override name = 'OutputError' as const;
  constructor(readonly path: string, message: string, options?: { cause?: unknown }) {
    super('OUTPUT_UNWRITABLE', `${path}: ${message}`, options);
  }
}

/** The built-in embedder's generated tables are missing or unreadable. */
export class LexiconError extends SamestoryError {
  override name = 'LexiconError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('LEXICON_MISSING', message, options);
  }
}

/** The embedding cache could not write to its file; vectors stay cached in memory only. */
export class CacheWriteError extends SamestoryError {
  override name = 'CacheWriteError' as const;
  constructor(readonly path: string, message: string, options?: { cause?: unknown }) {
    super('CACHE_WRITE_FAILED', `${path}: ${message}`, options);
  }
}

/**
 * The database behind a shared feed cannot be used: the `pg` client is not installed, the
 * server refuses the connection, or pgvector is missing.
 */
export class StoreError extends SamestoryError {
  override name = 'StoreError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options);
  }
}

/** The database holds a samestory schema newer than this version of the library knows. */
export class SchemaVersionError extends SamestoryError {
  override name = 'SchemaVersionError' as const;
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      'SCHEMA_VERSION',
      `the database holds samestory schema version ${found}, this version of samestory knows up to ${supported}: upgrade samestory on this machine (another one has migrated the database)`,
    );
  }
}

export function isSamestoryError(value: unknown): value is SamestoryError {
  return value instanceof SamestoryError;
}

/** Throws AbortedError when the signal has fired; call between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError({ cause: signal.reason });
}
