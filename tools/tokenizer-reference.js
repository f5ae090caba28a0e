#!/usr/bin/env node
// Writes what Hugging Face's Rust tokenizers library gives for every corpus entry, for every
// tokenizer that tools/fetch-tokenizers fetched: the ids with and without special tokens, and
// the text decoded back (special tokens kept and skipped). The C++ tests compare against these.
//
//   node tools/tokenizer-reference.js DEST CORPUS_JSON OUT_DIR
//
// DEST is the folder of tools/fetch-tokenizers; CORPUS_JSON is a JSON array of strings; OUT_DIR
// gets one NAME.json per tokenizer.
'use strict';

const fs = require('fs');
const path = require('path');

const [dest, corpusPath, outDir] = process.argv.slice(2);
if (!dest || !corpusPath || !outDir) {
  console.error('usage: tokenizer-reference.js DEST CORPUS_JSON OUT_DIR');
  process.exit(2);
}

const rustPackage = path.join(dest, 'node_modules', '@anush008', 'tokenizers');
const { Tokenizer } = require(rustPackage);
const rustVersion = JSON.parse(fs.readFileSync(path.join(rustPackage, 'package.json'), 'utf8')).version;
const cargo = fs.readFileSync(path.join(rustPackage, 'Cargo.toml'), 'utf8');
const tokenizersCrate = (cargo.match(/^tokenizers\s*=\s*"([^"]+)"/m) || [, 'unknown'])[1];

const corpus = JSON.parse(fs.readFileSync(corpusPath, 'utf8'));
if (!Array.isArray(corpus) || corpus.some((entry) => typeof entry !== 'string')) {
  throw new Error(`${corpusPath} must be a JSON array of strings`);
}

async function reference(name) {
  const tokenizer = Tokenizer.fromFile(path.join(dest, 'models', name, 'tokenizer.json'));
  const lines = [];
  for (const text of corpus) {
    const ids = (await tokenizer.encode(text, null, { addSpecialTokens: false })).getIds();
    const idsWithSpecial = (await tokenizer.encode(text, null, { addSpecialTokens: true })).getIds();
    lines.push({
      ids,
      ids_with_special_tokens: idsWithSpecial,
      decoded: await tokenizer.decode(idsWithSpecial, false),
      decoded_skipping_special_tokens: await tokenizer.decode(idsWithSpecial, true),
    });
  }
  return {
    tokenizer: name,
    made_by: `@anush008/tokenizers ${rustVersion} (Hugging Face tokenizers crate ${tokenizersCrate}), node ${process.version}`,
    vocab_size: tokenizer.getVocabSize(true),
    lines,
  };
}

(async () => {
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of ['qwen3', 'llama3', 'llama2']) {
    const result = await reference(name);
    // One corpus entry per line keeps the diffs of a corpus change readable.
    const body = result.lines.map((line) => '  ' + JSON.stringify(line)).join(',\n');
    const header = JSON.stringify({ tokenizer: result.tokenizer, made_by: result.made_by, vocab_size: result.vocab_size });
    fs.writeFileSync(path.join(outDir, `${name}.json`), header.slice(0, -1) + ',\n"lines": [\n' + body + '\n]}\n');
    console.log(`tokenizer-reference: ${name}: ${result.lines.length} entries`);
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
