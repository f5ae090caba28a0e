#!/usr/bin/env python3
"""Writes the seed corpora of the model fuzz targets: real headers and configs from
samples/models, small valid files, and one file for each way a file can be broken.
Run from anywhere; it rewrites corpus/safetensors and corpus/config next to itself."""
import json
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent
MODELS = HERE.parents[2] / "samples" / "models"
SIZES = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "U8": 1, "BOOL": 1, "F64": 8, "I32": 4}


def safetensors(header, data_bytes, length=None, pad=True):
    text = json.dumps(header, separators=(",", ":")).encode() if not isinstance(header, bytes) else header
    if pad:
        text += b" " * ((8 - (len(text) % 8)) % 8)
    return struct.pack("<Q", len(text) if length is None else length) + text + bytes(data_bytes)


def valid(tensors, metadata=None):
    header, offset = {}, 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape in tensors:
        count = 1
        for dim in shape:
            count *= dim
        size = count * SIZES[dtype]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    return safetensors(header, offset)


def real_header(path):
    """The header of a real file, its tensors shrunk so the seed stays small but stays valid."""
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length])
    tensors = [(n, e["dtype"], [min(d, 2) for d in e["shape"]]) for n, e in header.items() if n != "__metadata__"]
    return valid(tensors, header.get("__metadata__")), raw[: 8 + length]


def write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, content in files.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())


def safetensors_seeds():
    qwen_small, qwen_header_only = real_header(MODELS / "tiny-qwen2-random" / "model.safetensors")
    llama_small, _ = real_header(MODELS / "tiny-llama-pystdlib" / "model-00002-of-00002.safetensors")
    ok = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}
    return {
        "real_qwen2_shrunk.safetensors": qwen_small,
        "real_llama_shard_shrunk.safetensors": llama_small,
        "real_qwen2_header_without_data.safetensors": qwen_header_only,
        "valid_mixed_dtypes.safetensors": valid(
            [("a", "F32", [2, 3]), ("b", "BF16", [4]), ("c", "F16", []), ("d", "I64", [1]), ("e", "U8", [0])],
            {"format": "pt"}),
        "valid_empty.safetensors": safetensors({}, 0),
        "broken_short.safetensors": b"\x08\x00\x00",
        "broken_length_past_end.safetensors": safetensors({"a": ok}, 8, length=4096),
        "broken_length_huge.safetensors": safetensors({"a": ok}, 8, length=2**63),
        "broken_truncated_json.safetensors": safetensors(b'{"a": {"dtype": "F32", "sha', 8, pad=False),
        "broken_not_object.safetensors": safetensors([1, 2, 3], 0),
        "broken_unknown_dtype.safetensors": safetensors({"a": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 1]}}, 1),
        "broken_size_mismatch.safetensors": safetensors({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, 8),
        "broken_offsets_past_data.safetensors": safetensors({"a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}, 8),
        "broken_overlap.safetensors": safetensors(
            {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
             "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, 12),
        "broken_duplicate.safetensors": safetensors(
            b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}',
            16),
        "broken_negative_dim.safetensors": safetensors({"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}, 8),
        "broken_overflow_shape.safetensors": safetensors(
            {"a": {"dtype": "F64", "shape": [2**62, 2**62], "data_offsets": [0, 8]}}, 8),
        "broken_metadata.safetensors": safetensors({"__metadata__": {"format": 1}}, 0),
        "broken_extra_field.safetensors": safetensors({"a": dict(ok, extra=True)}, 8),
        "broken_deep_nesting.safetensors": safetensors(b"{\"a\":" + b"[" * 5000 + b"]" * 5000 + b"}", 0, pad=False),
        "broken_bad_utf8.safetensors": safetensors(b'{"\xff\xfe": 1}', 0, pad=False),
        "broken_duplicate_nested.safetensors": safetensors(
            b'{"a":{"dtype":"F32","dtype":"F16","shape":[2],"data_offsets":[0,8]}}', 8),
        "broken_escape_codes.safetensors": safetensors(
            {"a\x1b[2J": {"dtype": "F\u009b32", "shape": [2], "data_offsets": [0, 8]}}, 8),
    }


def config_seeds():
    llama = json.loads((MODELS / "tiny-llama-pystdlib" / "config.json").read_text())
    qwen = json.loads((MODELS / "tiny-qwen2-random" / "config.json").read_text())
    llama4 = {k: v for k, v in llama.items() if k != "rope_parameters"}
    llama4.update({"rope_theta": 500000.0, "torch_dtype": "float16", "rope_scaling": None, "eos_token_id": [1, 2],
                   "bos_token_id": 0, "attention_bias": True, "mlp_bias": True})
    mistral = {"model_type": "mistral", "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 14336,
               "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128,
               "max_position_embeddings": 32768, "sliding_window": 4096, "rope_theta": 1000000.0}
    dump = lambda value: json.dumps(value, indent=2)
    return {
        "real_llama_pystdlib.json": dump(llama),
        "real_qwen2_random.json": dump(qwen),
        "transformers4_llama.json": dump(llama4),
        "mistral.json": dump(mistral),
        "broken_truncated.json": dump(llama)[:200],
        "broken_types.json": dump(dict(llama, hidden_size="256", tie_word_embeddings=1)),
        "broken_huge.json": dump(dict(llama, num_hidden_layers=10**12, vocab_size=2**70)),
        "broken_heads.json": dump(dict(llama, num_key_value_heads=3)),
        "broken_rope.json": dump(dict(llama, rope_parameters={"rope_type": "llama3", "factor": 8})),
        "broken_architecture.json": dump(dict(llama, architectures=["GPT2LMHeadModel"])),
        "broken_array.json": "[1, 2, 3]",
        "broken_duplicate_nested.json": dump(llama)[:-2] + ',\n  "rope_scaling": {"rope_type": "default", "rope_type": "yarn"}\n}',
        "broken_rope_theta_tiny.json": dump(dict(llama4, rope_theta=1e-300)),
    }


if __name__ == "__main__":
    write(HERE / "corpus" / "safetensors", safetensors_seeds())
    write(HERE / "corpus" / "config", config_seeds())
