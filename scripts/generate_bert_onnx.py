#!/usr/bin/env python3
"""Writes a BERT-style model folder with seeded random weights, in the layout transformers.js loads.

samestory's tests need a real encoder that runs offline (the Hugging Face hub is not reachable
from CI), and its speed benchmark needs one with the compute of multilingual-e5-small. This script
builds both from the same code: the graph is a plain BERT encoder (word + position + token-type
embeddings, LayerNorm, N layers of masked self-attention and GELU feed-forward), written with
onnx.helper so that only `python3-onnx` and `python3-numpy` are needed (Debian packages, no torch).

Output folder:
    config.json, tokenizer.json (WordPiece), tokenizer_config.json, special_tokens_map.json,
    onnx/model.onnx (fp32), onnx/model_quantized.onnx (q8: int8 weights with
    DynamicQuantizeLinear + MatMulInteger, the same pattern onnxruntime's quantize_dynamic writes
    and transformers.js loads with `dtype: 'q8'`).

Examples:
    /usr/bin/python3 scripts/generate_bert_onnx.py                       # tiny test model
    /usr/bin/python3 scripts/generate_bert_onnx.py --pooler --out models/tiny-random-bert-pooler
    /usr/bin/python3 scripts/generate_bert_onnx.py --layers 12 --hidden 384 --heads 12 \\
        --intermediate 1536 --vocab-size 250037 --max-position 514 --out benchmarks/.cache/e5-small-size

The weights are random, so the vectors mean nothing; the model exists to exercise loading,
tokenising, windowing, batching and pooling, and to time the encoder. With --pooler the graph also
outputs `pooler_output` (the [CLS] vector through a dense layer and tanh, as HF's BertModel and
LaBSE do), for the embedder's 'pooler' pooling; its weights are drawn after all others, so the
encoder's weights are those of the same seed without it.
"""

import argparse
import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17  # LayerNormalization needs 17; python3-onnx 1.12 (Debian 12) knows up to 17.
SEED = 20240521

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# Every single character the test texts use appears both as a word start and as a `##`
# continuation, so no word of these letters becomes [UNK]; whole words and subwords make
# common words short, as a real vocabulary would.
LETTERS = list("abcdefghijklmnopqrstuvwxyz") + list("ąćęłńóśźżäöüß") + list("0123456789")
PUNCTUATION = list(".,;:!?'\"()[]-–—/&%$€@#*+=<>…„”“«»")
SUBWORDS = [
    "er", "en", "in", "an", "ch", "st", "ie", "ei", "un", "de", "te", "ge", "ne", "re", "ung",
    "ing", "ed", "es", "ion", "ow", "ie", "ych", "ski", "ska", "cz", "sz", "rz", "ni", "go",
    "em", "ami", "ach", "ów", "ej", "ego", "ość", "nie", "ter", "lich", "keit", "heit", "chen",
    "ly", "ment", "tion", "ers", "est", "ist", "ung", "ungen", "ten", "ern", "ia", "iu", "ją",
]
WORDS = [
    # English
    "the", "a", "of", "and", "to", "in", "is", "was", "for", "on", "with", "by", "at", "from",
    "said", "says", "government", "minister", "president", "police", "city", "country", "year",
    "people", "new", "after", "before", "election", "war", "peace", "talks", "storm", "flood",
    "fire", "news", "story", "report", "market", "bank", "football", "match", "won", "lost",
    "north", "south", "east", "west", "korea", "poland", "germany", "berlin", "warsaw", "europe",
    "missile", "test", "launch", "nuclear", "parliament", "vote", "law", "court", "rain", "heat",
    # German
    "der", "die", "das", "und", "ist", "nicht", "mit", "von", "den", "im", "auf", "für", "ein",
    "eine", "hat", "wird", "sich", "regierung", "minister", "polizei", "stadt", "land", "jahr",
    "menschen", "neue", "nach", "wahl", "krieg", "frieden", "sturm", "hochwasser", "feuer",
    "nachrichten", "bericht", "markt", "spiel", "gewonnen", "nordkorea", "polen", "deutschland",
    "rakete", "atom", "bundestag", "gericht", "regen", "hitze", "kanzler",
    # Polish
    "i", "w", "z", "na", "się", "nie", "do", "to", "że", "jest", "o", "po", "jak", "rząd",
    "minister", "prezydent", "policja", "miasto", "kraj", "rok", "ludzie", "nowy", "wybory",
    "wojna", "pokój", "burza", "powódź", "pożar", "wiadomości", "raport", "rynek", "mecz",
    "wygrał", "korea", "polska", "niemcy", "warszawa", "rakieta", "atomowy", "sejm", "sąd",
    "deszcz", "upał", "premier", "północna",
]


def build_vocab():
    """Special tokens first (ids 0-4, [PAD] = 0 as in BERT), then characters, subwords, words."""
    vocab = {}

    def add(token):
        if token not in vocab:
            vocab[token] = len(vocab)

    for token in SPECIAL_TOKENS:
        add(token)
    for ch in LETTERS + PUNCTUATION:
        add(ch)
    for ch in LETTERS:
        add("##" + ch)
    for sub in SUBWORDS:
        add("##" + sub)
        add(sub)
    for word in WORDS:
        add(word)
    return vocab


def tokenizer_json(vocab, max_position):
    ids = {tok: vocab[tok] for tok in SPECIAL_TOKENS}
    added = [
        {"id": ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for t in SPECIAL_TOKENS
    ]

    def special(tok, type_id=0):
        return {"SpecialToken": {"id": tok, "type_id": type_id}}

    def seq(name, type_id):
        return {"Sequence": {"id": name, "type_id": type_id}}

    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        # Lower-case but keep accents: ł, ą, ü carry meaning in Polish and German.
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": False, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special("[CLS]"), seq("A", 0), special("[SEP]")],
            "pair": [special("[CLS]"), seq("A", 0), special("[SEP]"), seq("B", 1), special("[SEP]", 1)],
            "special_tokens": {
                t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


def tokenizer_config(max_position):
    return {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "strip_accents": False,
        "tokenize_chinese_chars": True,
        "model_max_length": max_position,
        "clean_up_tokenization_spaces": True,
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
        "pad_token": "[PAD]",
        "unk_token": "[UNK]",
        "mask_token": "[MASK]",
    }


def model_config(args):
    return {
        "_comment": "Random weights generated by scripts/generate_bert_onnx.py; not a trained model.",
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": args.hidden,
        "num_hidden_layers": args.layers,
        "num_attention_heads": args.heads,
        "intermediate_size": args.intermediate,
        "hidden_act": "gelu",
        "vocab_size": args.vocab_size,
        "max_position_embeddings": args.max_position,
        "type_vocab_size": 2,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
    }


class GraphBuilder:
    """Collects nodes and initializers; `quantize` switches weight MatMuls to int8."""

    def __init__(self, quantize):
        self.quantize = quantize
        self.nodes = []
        self.initializers = []
        self.counter = 0

    def name(self, hint):
        self.counter += 1
        return f"{hint}_{self.counter}"

    def const(self, name, array):
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op, inputs, hint, outputs=1, **attrs):
        names = [self.name(hint) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op, inputs, names, name=self.name(op), **attrs))
        return names[0] if outputs == 1 else names

    def quantized_weight(self, name, w):
        """Symmetric per-tensor int8, as onnxruntime's dynamic quantisation does for weights."""
        scale = np.float32(max(np.abs(w).max(), 1e-8) / 127.0)
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        return (self.const(name + "_quantized", q),
                self.const(name + "_scale", np.array(scale, dtype=np.float32)),
                self.const(name + "_zero_point", np.array(0, dtype=np.int8)))

    def linear(self, x, w, b, name):
        if not self.quantize:
            y = self.node("MatMul", [x, self.const(name + ".weight", w)], name + "_matmul")
        else:
            wq, ws, wz = self.quantized_weight(name + ".weight", w)
            xq, xs, xz = self.node("DynamicQuantizeLinear", [x], name + "_xq", outputs=3)
            acc = self.node("MatMulInteger", [xq, wq, xz, wz], name + "_int")
            acc_f = self.node("Cast", [acc], name + "_cast", to=TensorProto.FLOAT)
            scale = self.node("Mul", [xs, ws], name + "_scale")
            y = self.node("Mul", [acc_f, scale], name + "_matmul")
        return self.node("Add", [y, self.const(name + ".bias", b)], name + "_out")

    def embedding(self, table, ids, name):
        if not self.quantize:
            return self.node("Gather", [self.const(name, table), ids], name + "_lookup")
        tq, ts, tz = self.quantized_weight(name, table)
        rows = self.node("Gather", [tq, ids], name + "_lookup_q")
        return self.node("DequantizeLinear", [rows, ts, tz], name + "_lookup")

    def layer_norm(self, x, gamma, beta, name):
        return self.node("LayerNormalization",
                         [x, self.const(name + ".weight", gamma), self.const(name + ".bias", beta)],
                         name, axis=-1, epsilon=1e-12)


def make_weights(args, rng):
    """BERT's initialisation: normal(0, 0.02) matrices, zero biases, unit LayerNorm gains.

    Small random LayerNorm offsets make different texts give visibly different vectors.
    Drawn in float32 directly so a 250k x 384 table takes a second, not a minute.
    """

    def normal(*shape, std=0.02):
        return (rng.standard_normal(shape, dtype=np.float32) * np.float32(std)).astype(np.float32)

    h, i = args.hidden, args.intermediate
    weights = {
        "word": normal(args.vocab_size, h),
        "position": normal(args.max_position, h),
        "token_type": normal(2, h),
        "emb_ln_g": (1.0 + normal(h, std=0.1)).astype(np.float32),
        "emb_ln_b": normal(h, std=0.1),
        "layers": [],
    }
    for _ in range(args.layers):
        weights["layers"].append({
            "q_w": normal(h, h), "q_b": normal(h),
            "k_w": normal(h, h), "k_b": normal(h),
            "v_w": normal(h, h), "v_b": normal(h),
            "o_w": normal(h, h), "o_b": normal(h),
            "ln1_g": (1.0 + normal(h, std=0.1)).astype(np.float32), "ln1_b": normal(h, std=0.1),
            "ff1_w": normal(h, i), "ff1_b": normal(i),
            "ff2_w": normal(i, h), "ff2_b": normal(h),
            "ln2_g": (1.0 + normal(h, std=0.1)).astype(np.float32), "ln2_b": normal(h, std=0.1),
        })
    if args.pooler:
        weights["pooler_w"] = normal(h, h)
        weights["pooler_b"] = normal(h)
    return weights


def build_graph(args, weights, quantize):
    g = GraphBuilder(quantize)
    h, heads = args.hidden, args.heads
    head_dim = h // heads

    # Embeddings: word + position (0..seq_len-1, computed inside the graph as HF exports do) + type.
    words = g.embedding(weights["word"], "input_ids", "embeddings.word_embeddings")
    shape = g.node("Shape", ["input_ids"], "ids_shape")
    seq_len = g.node("Gather", [shape, g.const("one_index", np.array(1, dtype=np.int64))], "seq_len", axis=0)
    positions = g.node("Range", [g.const("zero_i64", np.array(0, dtype=np.int64)), seq_len,
                                 g.const("one_i64", np.array(1, dtype=np.int64))], "position_ids")
    pos = g.node("Gather", [g.const("embeddings.position_embeddings", weights["position"]), positions], "pos_emb")
    types = g.node("Gather", [g.const("embeddings.token_type_embeddings", weights["token_type"]), "token_type_ids"], "type_emb")
    x = g.node("Add", [g.node("Add", [words, pos], "emb_sum"), types], "emb_all")
    x = g.layer_norm(x, weights["emb_ln_g"], weights["emb_ln_b"], "embeddings.LayerNorm")

    # Additive mask [B, 1, 1, S]: 0 for real tokens, -10000 for padding. exp(-10000) is exactly 0
    # in float32, so padded keys contribute nothing and a text's output never depends on padding.
    mask_f = g.node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    inverted = g.node("Sub", [g.const("one_f", np.array(1.0, dtype=np.float32)), mask_f], "mask_inv")
    additive = g.node("Mul", [inverted, g.const("mask_min", np.array(-10000.0, dtype=np.float32))], "mask_add")
    mask4 = g.node("Unsqueeze", [additive, g.const("mask_axes", np.array([1, 2], dtype=np.int64))], "mask4")

    split_shape = g.const("split_heads_shape", np.array([0, 0, heads, head_dim], dtype=np.int64))
    merge_shape = g.const("merge_heads_shape", np.array([0, 0, h], dtype=np.int64))
    inv_sqrt = g.const("attn_scale", np.array(1.0 / math.sqrt(head_dim), dtype=np.float32))
    sqrt2 = g.const("sqrt2", np.array(math.sqrt(2.0), dtype=np.float32))
    half = g.const("half", np.array(0.5, dtype=np.float32))
    one = "one_f"

    for n, lw in enumerate(weights["layers"]):
        p = f"encoder.layer.{n}"

        def heads_of(t, name, perm):
            r = g.node("Reshape", [t, split_shape], name + "_split")
            return g.node("Transpose", [r], name + "_t", perm=perm)

        q = heads_of(g.linear(x, lw["q_w"], lw["q_b"], p + ".attention.self.query"), p + ".q", [0, 2, 1, 3])
        k = heads_of(g.linear(x, lw["k_w"], lw["k_b"], p + ".attention.self.key"), p + ".k", [0, 2, 3, 1])
        v = heads_of(g.linear(x, lw["v_w"], lw["v_b"], p + ".attention.self.value"), p + ".v", [0, 2, 1, 3])
        scores = g.node("Mul", [g.node("MatMul", [q, k], p + ".qk"), inv_sqrt], p + ".scores")
        probs = g.node("Softmax", [g.node("Add", [scores, mask4], p + ".masked")], p + ".probs", axis=-1)
        ctx = g.node("Transpose", [g.node("MatMul", [probs, v], p + ".ctx")], p + ".ctx_t", perm=[0, 2, 1, 3])
        ctx = g.node("Reshape", [ctx, merge_shape], p + ".ctx_merged")
        attn = g.linear(ctx, lw["o_w"], lw["o_b"], p + ".attention.output.dense")
        x = g.layer_norm(g.node("Add", [x, attn], p + ".res1"), lw["ln1_g"], lw["ln1_b"], p + ".attention.output.LayerNorm")

        # Exact GELU, 0.5 * u * (1 + erf(u / sqrt 2)); opset 17 has no Gelu op, onnxruntime fuses this.
        u = g.linear(x, lw["ff1_w"], lw["ff1_b"], p + ".intermediate.dense")
        erf = g.node("Erf", [g.node("Div", [u, sqrt2], p + ".gelu_div")], p + ".gelu_erf")
        gelu = g.node("Mul", [g.node("Mul", [u, half], p + ".gelu_half"),
                              g.node("Add", [erf, one], p + ".gelu_add")], p + ".gelu")
        ff = g.linear(gelu, lw["ff2_w"], lw["ff2_b"], p + ".output.dense")
        x = g.layer_norm(g.node("Add", [x, ff], p + ".res2"), lw["ln2_g"], lw["ln2_b"], p + ".output.LayerNorm")

    g.nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="output"))

    dims = ["batch_size", "sequence_length"]
    inputs = [helper.make_tensor_value_info(name, TensorProto.INT64, dims)
              for name in ("input_ids", "attention_mask", "token_type_ids")]
    outputs = [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, dims + [h])]
    if args.pooler:
        cls = g.node("Gather", [x, g.const("zero_index", np.array(0, dtype=np.int64))], "cls", axis=1)
        dense = g.linear(cls, weights["pooler_w"], weights["pooler_b"], "pooler.dense")
        g.nodes.append(helper.make_node("Tanh", [dense], ["pooler_output"], name="pooler.activation"))
        outputs.append(helper.make_tensor_value_info("pooler_output", TensorProto.FLOAT, ["batch_size", h]))
    graph = helper.make_graph(g.nodes, "bert", inputs, outputs, g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="samestory generate_bert_onnx.py")
    model.ir_version = 8  # onnx 1.12's default; accepted by every onnxruntime since 1.10
    onnx.checker.check_model(model)
    return model


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--intermediate", type=int, default=64)
    parser.add_argument("--vocab-size", type=int, default=None,
                        help="rows of the word-embedding table (default: the tokenizer's vocabulary); "
                             "rows past the tokenizer's vocabulary are never looked up")
    parser.add_argument("--max-position", type=int, default=128)
    parser.add_argument("--out", default="models/tiny-random-bert")
    parser.add_argument("--pooler", action="store_true", help="also output pooler_output (tanh(dense([CLS])))")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    vocab = build_vocab()
    if args.vocab_size is None:
        args.vocab_size = len(vocab)
    if args.vocab_size < len(vocab):
        parser.error(f"--vocab-size must be at least the tokenizer's {len(vocab)} tokens")
    if args.hidden % args.heads != 0:
        parser.error("--hidden must be a multiple of --heads")

    rng = np.random.default_rng(args.seed)
    weights = make_weights(args, rng)

    os.makedirs(os.path.join(args.out, "onnx"), exist_ok=True)
    write_json(os.path.join(args.out, "config.json"), model_config(args))
    write_json(os.path.join(args.out, "tokenizer.json"), tokenizer_json(vocab, args.max_position))
    write_json(os.path.join(args.out, "tokenizer_config.json"), tokenizer_config(args.max_position))
    write_json(os.path.join(args.out, "special_tokens_map.json"), {
        "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
        "unk_token": "[UNK]", "mask_token": "[MASK]",
    })
    for quantize, file_name in ((False, "model.onnx"), (True, "model_quantized.onnx")):
        model = build_graph(args, weights, quantize)
        onnx.save(model, os.path.join(args.out, "onnx", file_name))
        del model

    total = 0
    for root, _, files in os.walk(args.out):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    print(f"wrote {args.out}: {len(vocab)} tokens, {args.layers} layer(s), hidden {args.hidden}, "
          f"{total / 1024:.0f} KiB")


if __name__ == "__main__":
    main(sys.argv[1:])
