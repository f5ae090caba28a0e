#!/usr/bin/env node
// Writes what Hugging Face's Jinja (@huggingface/jinja, the engine of transformers.js) renders
// for every conversation with every chat template that tools/fetch-tokenizers fetched, with and
// without add_generation_prompt. The C++ tests render the same and compare byte for byte.
//
//   node tools/chat-template-reference.js DEST CONVERSATIONS_JSON OUT_JSON
//
// DEST is the folder of tools/fetch-tokenizers; CONVERSATIONS_JSON is a JSON array of
// {"name", "context"}, where context holds messages and any other variables (tools,
// enable_thinking), and optionally "templates", the only templates to render it with (a message
// whose content is null is for templates that expect one: on others Python's Jinja and this
// one disagree, "None" against an error). The variables are those transformers' apply_chat_template passes: the
// config's bos_token, eos_token, unk_token and pad_token, tools and documents (null unless
// given), add_generation_prompt.
'use strict';

const fs = require('fs');
const path = require('path');

const [dest, conversationsPath, outPath] = process.argv.slice(2);
if (!dest || !conversationsPath || !outPath) {
  console.error('usage: chat-template-reference.js DEST CONVERSATIONS_JSON OUT_JSON');
  process.exit(2);
}

const jinjaPackage = path.join(dest, 'node_modules', '@huggingface', 'jinja');
const { Template } = require(jinjaPackage);
const jinjaVersion = JSON.parse(fs.readFileSync(path.join(jinjaPackage, 'package.json'), 'utf8')).version;
const conversations = JSON.parse(fs.readFileSync(conversationsPath, 'utf8'));

// The same reading as strata::ChatTemplate::from_tokenizer_config.
function specialTokens(config) {
  const variables = {};
  for (const name of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
    const value = config[name];
    if (value === undefined || value === null) continue;
    variables[name] = typeof value === 'string' ? value : value.content;
  }
  return variables;
}

const renderings = [];
for (const name of ['qwen3', 'llama3', 'deepseek_v3']) {
  const config = JSON.parse(fs.readFileSync(path.join(dest, 'models', name, 'tokenizer_config.json'), 'utf8'));
  const template = new Template(config.chat_template);
  for (const conversation of conversations) {
    if (conversation.templates && !conversation.templates.includes(name)) continue;
    for (const addGenerationPrompt of [true, false]) {
      const context = {
        ...specialTokens(config),
        tools: null,
        documents: null,
        add_generation_prompt: addGenerationPrompt,
        ...conversation.context,
      };
      const entry = { template: name, conversation: conversation.name, add_generation_prompt: addGenerationPrompt };
      try {
        entry.text = template.render(context);
      } catch (error) {
        entry.error = String(error.message);
      }
      renderings.push(entry);
    }
  }
}

const body = renderings.map((entry) => '  ' + JSON.stringify(entry)).join(',\n');
fs.writeFileSync(
  outPath,
  '{"made_by": ' + JSON.stringify(`@huggingface/jinja ${jinjaVersion}, node ${process.version}`) +
    ',\n"renderings": [\n' + body + '\n]}\n',
);
console.log(`chat-template-reference: ${renderings.length} renderings`);
