#!/usr/bin/env python3
"""Small random-weight Hugging Face checkpoints, one per architecture Strata runs, each with the
golden outputs transformers computes from it (golden.json, the format of ../shared/models).

Run where torch and transformers are installed (the GPU machine; the work is done on its CPU in
float32, deterministically):
    python3 tools/make-reference-models.py OUT_DIR [--only NAME ...]
Each checkpoint is written with save_pretrained, read back from disk in float32 (so bf16 files
are compared after their rounding), and run on prompts longer than its sliding window and its
rope scaling's original context, so that every feature that changes the math changes the logits.
"""
import argparse
import json
import os
import sys
import traceback

import torch
import transformers
from transformers import AutoConfig, AutoModelForCausalLM

VOCAB = 256
COMMON = dict(
    vocab_size=VOCAB,
    hidden_size=64,
    intermediate_size=128,
    num_hidden_layers=4,
    num_attention_heads=4,
    num_key_value_heads=2,
    head_dim=16,
    max_position_embeddings=256,
    rms_norm_eps=1e-6,
    bos_token_id=1,
    eos_token_id=2,
    pad_token_id=0,
)

# name -> (model_type, config overrides, saved dtype). Each one switches on what sets its
# architecture apart; the comments say which part of Strata it exercises.
SPECS = {
    # Llama 3.1/3.2: the "llama3" rope scaling (original context 64, so prompts cross it), tied
    # embeddings as in Llama 3.2 1B/3B.
    "tiny-llama3-random": (
        "llama",
        dict(
            tie_word_embeddings=True,
            rope_parameters=dict(
                rope_type="llama3",
                rope_theta=500000.0,
                factor=8.0,
                low_freq_factor=1.0,
                high_freq_factor=4.0,
                original_max_position_embeddings=64,
            ),
        ),
        torch.bfloat16,
    ),
    # Qwen3: RMS norms over each head of q and k, head_dim apart from hidden/heads.
    "tiny-qwen3-random": (
        "qwen3",
        dict(head_dim=32, tie_word_embeddings=True, rope_parameters=dict(rope_type="default", rope_theta=1000000.0)),
        torch.float32,
    ),
    # Mistral: sliding-window attention over the last 8 positions.
    "tiny-mistral-random": (
        "mistral",
        dict(sliding_window=8, tie_word_embeddings=False, rope_parameters=dict(rope_type="default", rope_theta=10000.0)),
        torch.bfloat16,
    ),
    # Gemma 3 (text): sliding and full layers alternating, a rope base per layer type with
    # linear scaling on the full layers, q/k norms, (1 + weight) norms around attention and MLP,
    # gelu-tanh MLP, embeddings scaled by sqrt(hidden), query_pre_attn_scalar.
    "tiny-gemma3-random": (
        "gemma3_text",
        dict(
            sliding_window=8,
            layer_types=["sliding_attention", "full_attention", "sliding_attention", "full_attention"],
            query_pre_attn_scalar=24,
            tie_word_embeddings=True,
            rope_parameters={
                "full_attention": dict(rope_type="linear", factor=4.0, rope_theta=1000000.0),
                "sliding_attention": dict(rope_type="default", rope_theta=10000.0),
            },
        ),
        torch.float32,
    ),
    # Gemma 2: soft-capping of attention scores and of the final logits, sliding layers.
    "tiny-gemma2-random": (
        "gemma2",
        dict(
            sliding_window=8,
            layer_types=["sliding_attention", "full_attention", "sliding_attention", "full_attention"],
            query_pre_attn_scalar=16,
            attn_logit_softcapping=50.0,
            final_logit_softcapping=30.0,
            tie_word_embeddings=True,
        ),
        torch.float32,
    ),
    # Phi-3: q, k and v in one fused projection, gate and up in another; a partial rotary
    # factor as Phi-4-mini uses it.
    "tiny-phi3-random": (
        "phi3",
        dict(
            partial_rotary_factor=0.75,
            tie_word_embeddings=False,
            rope_parameters=dict(rope_type="default", rope_theta=10000.0, partial_rotary_factor=0.75),
        ),
        torch.bfloat16,
    ),
}

N_NEW = 16


def prompts(seed):
    """Token ids: one token, a short prompt, and prompts past the window (8) and past the
    llama3 scaling's original context (64)."""
    generator = torch.Generator().manual_seed(seed)
    out = []
    for length in (1, 5, 23, 80):
        ids = torch.randint(3, VOCAB, (length,), generator=generator).tolist()
        out.append(ids)
    return out


def randomize(model, seed):
    """Random weights with enough spread that every layer moves the logits (the default
    initialisation's 0.02 makes deep layers nearly identities), norms' gains around their
    neutral value, all reproducible from the seed."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in sorted(model.named_parameters()):
            noise = torch.randn(parameter.shape, generator=generator)
            if parameter.dim() == 1:
                neutral = 0.0 if "gemma" in model.config.model_type else 1.0
                parameter.copy_(neutral + 0.1 * noise)
            else:
                parameter.copy_(noise / (parameter.shape[-1] ** 0.5))


def legacy_rope(kwargs):
    kwargs = dict(kwargs)
    rope = kwargs.pop("rope_parameters", None)
    if rope is None:
        return kwargs
    if "full_attention" in rope:
        kwargs["rope_local_base_freq"] = rope["sliding_attention"]["rope_theta"]
        rope = rope["full_attention"]
    rope = dict(rope)
    kwargs["rope_theta"] = rope.pop("rope_theta")
    if rope.get("rope_type") != "default":
        kwargs["rope_scaling"] = rope
    return kwargs


def make(name, out_dir, seed):
    model_type, overrides, save_dtype = SPECS[name]
    kwargs = dict(COMMON)
    kwargs.update(overrides)
    try:
        config = AutoConfig.for_model(model_type, **kwargs)
    except Exception:
        # transformers before rope_parameters: the same settings under their older names.
        config = AutoConfig.for_model(model_type, **legacy_rope(kwargs))
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    randomize(model, seed)
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    model.to(save_dtype).save_pretrained(folder, safe_serialization=True)

    # Read back what is on disk, in float32, as Strata will. Eager attention: the reference
    # implementation (sdpa drops Gemma 2's soft-capping of the scores without a word).
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()
    cases = []
    for ids in prompts(seed + 1):
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0]
            generated = model.generate(
                torch.tensor([ids]),
                attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                do_sample=False,
                max_new_tokens=N_NEW,
                min_new_tokens=N_NEW,
                eos_token_id=None,
                pad_token_id=0,
            )[0, len(ids) :].tolist()
        cases.append(
            dict(
                prompt=None,
                prompt_ids=ids,
                first_logits=[round(v, 6) for v in logits[0].tolist()],
                last_logits=[round(v, 6) for v in logits[-1].tolist()],
                greedy_new_ids=generated,
                greedy_text=None,
            )
        )
    golden = dict(
        producer=f"transformers {transformers.__version__}, torch {torch.__version__}",
        dtype="float32",
        n_new=N_NEW,
        cases=cases,
    )
    with open(os.path.join(folder, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
    return model.config.to_dict()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("--only", nargs="*", default=list(SPECS))
    args = parser.parse_args()
    torch.use_deterministic_algorithms(True)
    report = {}
    failed = False
    for index, name in enumerate(args.only):
        try:
            report[name] = make(name, args.out_dir, 1000 + index)
            print(f"{name}: written", flush=True)
        except Exception:
            failed = True
            report[name] = {"error": traceback.format_exc()}
            print(f"{name}: FAILED\n{traceback.format_exc()}", flush=True)
    with open(os.path.join(args.out_dir, "report.json"), "w") as f:
        json.dump(report, f, indent=1, default=str)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
