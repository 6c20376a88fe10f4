// Entry of dist/language-model.cjs (see tsup.config.ts): eld's small model bundled as CommonJS,
// so that language.ts can require it on first need from both the ESM and the CommonJS build.
export { eld } from 'eld/small';
