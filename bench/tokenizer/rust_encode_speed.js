#!/usr/bin/env node
// The Rust side of compare.sh: Hugging Face's tokenizers library (fetched by
// tools/fetch-tokenizers) encoding the same texts as strata_tokenizer_bench: the ~9 KB corpus
// document again and again ("documents"), and the copies joined into one string ("whole"); no
// special tokens, best of several runs after one warm-up. One JSON object per tokenizer and mode.
//   node rust_encode_speed.js DEST CORPUS_JSON [megabytes] [runs]
'use strict';

const fs = require('fs');
const path = require('path');

const [dest, corpusPath, megabytesText = '4', runsText = '5'] = process.argv.slice(2);
const { Tokenizer } = require(path.join(dest, 'node_modules', '@anush008', 'tokenizers'));
const corpus = JSON.parse(fs.readFileSync(corpusPath, 'utf8'));

// As bench_text.cpp.
const documentText = corpus.join('\n');
const documentBytes = Buffer.byteLength(documentText, 'utf8');
const copies = Math.max(1, Math.ceil((Number(megabytesText) * 1e6) / documentBytes));
const joined = Array(copies).fill(documentText).join('\n');

const encodeLength = async (tokenizer, text) =>
  (await tokenizer.encode(text, null, { addSpecialTokens: false })).getLength();

(async () => {
  for (const name of ['qwen3', 'llama3', 'llama2']) {
    const loadStart = process.hrtime.bigint();
    const tokenizer = Tokenizer.fromFile(path.join(dest, 'models', name, 'tokenizer.json'));
    const loadSeconds = Number(process.hrtime.bigint() - loadStart) / 1e9;
    const modes = {
      documents: [documentBytes * copies, async () => {
        let tokens = 0;
        for (let i = 0; i < copies; ++i) tokens += await encodeLength(tokenizer, documentText);
        return tokens;
      }],
      whole: [Buffer.byteLength(joined, 'utf8'), () => encodeLength(tokenizer, joined)],
    };
    for (const [mode, [bytes, encode]] of Object.entries(modes)) {
      let tokens = await encode();
      let best = Infinity;
      for (let run = 0; run < Number(runsText); ++run) {
        const start = process.hrtime.bigint();
        tokens = await encode();
        best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
      }
      console.log(JSON.stringify({
        implementation: 'huggingface-rust', tokenizer: name, mode, bytes, tokens, best_seconds: best,
        megabytes_per_second: bytes / best / 1e6, load_seconds: loadSeconds,
      }));
    }
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
