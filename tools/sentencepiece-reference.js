#!/usr/bin/env node
// Writes what Google's SentencePiece gives for every corpus entry with Llama 2's tokenizer.model:
// the ids of the text and the text decoded back from them. SentencePiece here is Google's C++
// compiled to WebAssembly (@sctg/sentencepiece-js, fetched by tools/fetch-tokenizers), so the
// reference comes from another build of the library than the Debian one Strata links. The C++
// tests compare strata::Tokenizer::from_sentencepiece_file against it.
//
//   node tools/sentencepiece-reference.js DEST CORPUS_JSON OUT_JSON
//
// DEST is the folder of tools/fetch-tokenizers; CORPUS_JSON is a JSON array of strings.
//
// SentencePiece adds no BOS: the ids are those of encode(text, add_special_tokens = false). It
// also reads "<s>" written in a text as the characters "<", "s", ">", where transformers'
// LlamaTokenizer (and Strata) take it for the special token. So an entry holding a special
// token's text is written as transformers splits it: the special token's id, and SentencePiece's
// ids for each stretch of text between them. Such an entry is marked "special_tokens_in_text" and
// has no "decoded" (SentencePiece's decode drops control tokens, which Hugging Face prints).
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const [dest, corpusPath, outPath] = process.argv.slice(2);
if (!dest || !corpusPath || !outPath) {
  console.error('usage: sentencepiece-reference.js DEST CORPUS_JSON OUT_JSON');
  process.exit(2);
}

const packageDir = path.join(dest, 'node_modules', '@sctg', 'sentencepiece-js');
const { SentencePieceProcessor } = require(path.join(packageDir, 'dist', 'index.cjs'));
const packageVersion = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version;
const modelPath = path.join(dest, 'models', 'llama2-sentencepiece', 'tokenizer.model');

const corpus = JSON.parse(fs.readFileSync(corpusPath, 'utf8'));
if (!Array.isArray(corpus) || corpus.some((entry) => typeof entry !== 'string')) {
  throw new Error(`${corpusPath} must be a JSON array of strings`);
}

// Llama 2's unknown and control pieces: the only pieces of its model that are not text.
const specialPieces = ['<unk>', '<s>', '</s>'];

// The special tokens of `text` and the stretches between them, left to right (no special piece
// is a prefix of another, so the first one found at a position is the only one there).
function splitAtSpecialTokens(text) {
  const parts = [];
  let stretch = 0;
  for (let at = 0; at < text.length; ) {
    const special = specialPieces.find((piece) => text.startsWith(piece, at));
    if (!special) {
      ++at;
      continue;
    }
    if (at > stretch) parts.push({ text: text.slice(stretch, at) });
    parts.push({ special });
    at += special.length;
    stretch = at;
  }
  if (stretch < text.length) parts.push({ text: text.slice(stretch) });
  return parts;
}

(async () => {
  const model = fs.readFileSync(modelPath);
  const processor = new SentencePieceProcessor();
  await processor.loadFromB64StringModel(model.toString('base64'));
  const specialIds = {};
  for (const piece of specialPieces) {
    // The WebAssembly binding takes a string_view made from a string it owns.
    const owner = new processor.sentencepiece.StringView(piece);
    const view = owner.getView();
    specialIds[piece] = processor.processor.PieceToId(view);
    view.delete();
    owner.delete();
  }

  const lines = corpus.map((text) => {
    const parts = splitAtSpecialTokens(text);
    if (!parts.some((part) => part.special)) {
      const ids = processor.encodeIds(text);
      return { ids, decoded: processor.decodeIds(ids) };
    }
    const ids = parts.flatMap((part) => (part.special ? [specialIds[part.special]] : processor.encodeIds(part.text)));
    return { ids, special_tokens_in_text: true };
  });

  const header = JSON.stringify({
    tokenizer: 'llama2-sentencepiece',
    made_by: `@sctg/sentencepiece-js ${packageVersion} (Google SentencePiece in WebAssembly), node ${process.version}`,
    model_sha256: crypto.createHash('sha256').update(model).digest('hex'),
    special_tokens: specialIds,
  });
  // One corpus entry per line keeps the diffs of a corpus change readable.
  const body = lines.map((line) => '  ' + JSON.stringify(line)).join(',\n');
  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  fs.writeFileSync(outPath, header.slice(0, -1) + ',\n"lines": [\n' + body + '\n]}\n');
  console.log(`sentencepiece-reference: llama2-sentencepiece: ${lines.length} entries`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
