// samestory's public API. Everything a user imports comes from here; nothing else is public.

// The facade: articles in, story clusters out.
export { StoryDetector, DEFAULT_TIME_WINDOW_DAYS, DEFAULT_ACTIVE_WINDOW_DAYS, DEFAULT_LINKAGE_COHESION, DEFAULT_NEIGHBORS } from './detector.js';
export type {
  StoryDetectorOptions,
  AddOptions,
  AddResult,
  MatchOptions,
  StoryMatch,
  ReclusterOptions,
  ClustersOptions,
  SaveOptions,
} from './detector.js';
// What an add, eviction or re-clustering did to the stories.
export type { StoryChange } from './cluster/live-stories.js';
export type { DetectorIndexChoice } from './detector-options.js';
export type { LoadDetectorOptions } from './persist/detector-store.js';
export { BUNDLE_FORMAT, BUNDLE_VERSION } from './persist/detector-bundle.js';

// Articles and their validation.
export { normalizeArticle, cleanArticleText, MAX_TEXT_CHARS, MAX_TITLE_CHARS, MAX_ID_CHARS } from './article.js';
export type { Article, NormalizedArticle, NormalizeOptions } from './article.js';

// Vectors: dense (Float32Array, model embedders) or sparse (non-zeros, the built-in embedder).
export { isSparseVector, sparseFromDense, denseOf } from './vectors/sparse-vector.js';
export type { SparseVector, EmbeddingVector, VectorKind } from './vectors/sparse-vector.js';

// Embedders: the interface, the built-in lexical one, the transformers.js one.
export { isExplainingEmbedder, vectorKindOf } from './embed/embedder.js';
export { embedArticles } from './embed/embed-articles.js';
export type { EmbedArticlesOptions } from './embed/embed-articles.js';
export type { Embedder, ExplainingEmbedder, EmbedInput, EmbedOptions, SharedFeature } from './embed/embedder.js';
export { createEmbedder, defaultEmbedder } from './embed/create-embedder.js';
export type { CreateEmbedderOptions, EmbedderKind } from './embed/create-embedder.js';
export { LexicalEmbedder, MAX_NON_ZEROS } from './embed/lexical/lexical-embedder.js';
export type { LexicalEmbedderOptions } from './embed/lexical/lexical-embedder.js';
export { TransformersEmbedder } from './embed/transformers-embedder.js';
export type { TransformersEmbedderOptions, TransformersDtype } from './embed/transformers-embedder.js';
export { MODEL_CATALOG, DEFAULT_MODEL } from './embed/model-catalog.js';
export { CachedEmbedder } from './embed/cached-embedder.js';
export type { CachedEmbedderOptions } from './embed/cached-embedder.js';
export type { ModelFacts } from './embed/model-catalog.js';

// Nearest-neighbour indexes.
export { ExactIndex } from './ann/exact-index.js';
export { HnswIndex } from './ann/hnsw-index.js';
export { SparseIndex } from './ann/sparse-index.js';
export { createAnnIndex, loadAnnIndex, AUTO_EXACT_MAX_SIZE } from './ann/create-ann-index.js';
export type { HnswIndexOptions } from './ann/hnsw-index.js';
export type { ExactIndexOptions } from './ann/exact-index.js';
export type { SparseIndexOptions, SparseSearchStats } from './ann/sparse-index.js';
export type { AnnIndex, Neighbor, SearchOptions } from './ann/ann-index.js';
export type { AnnIndexKindChoice, CreateAnnIndexOptions } from './ann/create-ann-index.js';

// Per-article state of a detector (the in-process store; the interface a database-backed one implements).
export { MemoryArticleStore } from './store/memory-article-store.js';
export type { MemoryArticleStoreOptions } from './store/memory-article-store.js';
export type { ArticleStore, NeighborList, PositionMatch, StoreSnapshot } from './store/article-store.js';

// One feed shared by many processes and machines through PostgreSQL + pgvector (needs the
// optional peer dependency `pg`, loaded on connect).
export { PostgresFeed } from './store/postgres/postgres-feed.js';
export type { PostgresFeedOptions, FeedAddOptions, FeedSearchOptions } from './store/postgres/postgres-feed.js';
export { SCHEMA_VERSION } from './store/postgres/schema.js';
// Ingest work spread over machines through a queue on the same PostgreSQL (optional peer `pg-boss`).
export { IngestQueue } from './store/postgres/ingest-queue.js';
export type { IngestQueueOptions, EnqueueOptions, WorkOptions, WorkResult } from './store/postgres/ingest-queue.js';

// Story clustering, usable on its own with any similarity.
export { clusterStories } from './cluster/average-linkage.js';
export type { ClusterInput, ClusterOptions, CandidateEdge } from './cluster/average-linkage.js';
export type { StoryCluster, StoryMember } from './cluster/story-cluster.js';

// Threshold calibration on labelled pairs.
export { calibrateThreshold, precisionRecallCurve, suggestThreshold } from './calibrate.js';
export type { ScoredPair, ThresholdPoint, CalibrationOptions, CalibrationReport, ThresholdSuggestion } from './calibrate.js';

// The second stage of match(): how many candidate stories it re-scores.
export { RERANK_CANDIDATES } from './rerank/rerank.js';

// Explanations of a match.
export type { MatchExplanation, SentencePair } from './explain.js';

// Language identification used when an article has no `lang`.
export { detectLanguage } from './language.js';

// Progress reports.
export type { Progress, ProgressCallback } from './progress.js';

// Errors: one base class with a `code`, one subclass per kind of failure.
export {
  SamestoryError,
  InvalidArticleError,
  DuplicateIdError,
  InvalidVectorError,
  DimensionMismatchError,
  EmbedderMismatchError,
  ModelNotFoundError,
  ModelLoadError,
  TransformersUnavailableError,
  InvalidOptionsError,
  NotFoundError,
  AbortedError,
  BundleError,
  InputError,
  OutputError,
  LexiconError,
  CacheWriteError,
  StoreError,
  SchemaVersionError,
  isSamestoryError,
} from './errors.js';
export type { SamestoryErrorCode } from './errors.js';
