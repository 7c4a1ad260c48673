"""Tiny diffusers pipelines with random weights, built offline, as diffusers' own tests
build their dummy components: the real loading and sampling code of the diffusers
provider runs on them in seconds on a CPU (the pictures are noise, which is the point
for the line-art gate's tests).

Everything is made here: a byte-level CLIP tokenizer from a vocabulary file written
by the test (no hub), tiny UNet, VAE and CLIP text encoder(s) from configs, saved with
save_pretrained in the folder layout of a real model repository.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

# 64-px images from 2 sampler steps.
SIZE = 64
STEPS = 2


def require_local_ai() -> None:
    """The local-AI extra is installed by `make test`; a bare `make install` skips these
    tests locally, but in CI a missing extra is a failure, never a silent skip."""
    missing = [name for name in ("torch", "diffusers", "transformers", "peft")
               if importlib.util.find_spec(name) is None]
    if not missing:
        return
    message = f"the local-AI extra is not installed ({', '.join(missing)}): make local-ai"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's printable stand-in for every byte: the tokenizer's base alphabet."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1),
                 *range(ord("®"), ord("ÿ") + 1)]
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return dict(zip(printable, (chr(c) for c in codes), strict=True))


def tokenizer(folder: Path):
    """A CLIP tokenizer over single bytes (no merges): every prompt tokenizes."""
    from transformers import CLIPTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    alphabet = list(_bytes_to_unicode().values())
    vocab = {token: n for n, token in enumerate(
        [*alphabet, *(c + "</w>" for c in alphabet), "<|startoftext|>", "<|endoftext|>"])}
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    # from_pretrained reads vocab.json and merges.txt in transformers 4 and 5 alike.
    return CLIPTokenizer.from_pretrained(folder, model_max_length=77)


def _text_config(vocab_size: int, **extra):
    from transformers import CLIPTextConfig

    return CLIPTextConfig(bos_token_id=0, eos_token_id=2, pad_token_id=1, hidden_size=32,
                          intermediate_size=37, layer_norm_eps=1e-05, num_attention_heads=4,
                          num_hidden_layers=2, vocab_size=vocab_size, **extra)


def _vae():
    from diffusers import AutoencoderKL

    return AutoencoderKL(block_out_channels=[4, 8], in_channels=3, out_channels=3,
                         down_block_types=["DownEncoderBlock2D"] * 2,
                         up_block_types=["UpDecoderBlock2D"] * 2, latent_channels=4,
                         norm_num_groups=2)


def _scheduler():
    from diffusers import EulerDiscreteScheduler

    return EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012,
                                  beta_schedule="scaled_linear", steps_offset=1)


def build_sd15(folder: Path, seed: int = 0) -> Path:
    """A Stable Diffusion 1.5-shaped pipeline (model_index: StableDiffusionPipeline)."""
    import torch
    from diffusers import StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel

    torch.manual_seed(seed)
    tok = tokenizer(folder.parent / f"{folder.name}-vocab")
    unet = UNet2DConditionModel(
        block_out_channels=(4, 8), layers_per_block=1, sample_size=SIZE // 2,
        in_channels=4, out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=32,
        norm_num_groups=2)
    pipe = StableDiffusionPipeline(
        unet=unet, vae=_vae(), text_encoder=CLIPTextModel(_text_config(len(tok))),
        tokenizer=tok, scheduler=_scheduler(), safety_checker=None, feature_extractor=None,
        requires_safety_checker=False)
    pipe.save_pretrained(folder)
    return folder


def build_sdxl(folder: Path, seed: int = 0) -> Path:
    """An SDXL-shaped pipeline: two text encoders, the text_time conditioning."""
    import torch
    from diffusers import StableDiffusionXLPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    torch.manual_seed(seed)
    tok = tokenizer(folder.parent / f"{folder.name}-vocab")
    config = _text_config(len(tok), projection_dim=32)
    unet = UNet2DConditionModel(
        block_out_channels=(4, 8), layers_per_block=1, sample_size=SIZE // 2,
        in_channels=4, out_channels=4, down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"), attention_head_dim=(2, 4),
        use_linear_projection=True, addition_embed_type="text_time",
        addition_time_embed_dim=8, transformer_layers_per_block=(1, 1),
        # 6 size/crop ids x 8 + the pooled text projection (32).
        projection_class_embeddings_input_dim=80, cross_attention_dim=64, norm_num_groups=2)
    pipe = StableDiffusionXLPipeline(
        unet=unet, vae=_vae(), text_encoder=CLIPTextModel(config),
        text_encoder_2=CLIPTextModelWithProjection(config), tokenizer=tok, tokenizer_2=tok,
        scheduler=_scheduler(), force_zeros_for_empty_prompt=True)
    pipe.save_pretrained(folder)
    return folder


def build_lora(model: Path, out: Path, seed: int = 1) -> Path:
    """LoRA weights for the tiny SD 1.5 UNet, saved as diffusers saves trained LoRAs
    (pytorch_lora_weights.safetensors)."""
    import torch
    from diffusers import StableDiffusionPipeline, UNet2DConditionModel
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    torch.manual_seed(seed)
    unet = UNet2DConditionModel.from_pretrained(model / "unet")
    unet.add_adapter(LoraConfig(r=4, lora_alpha=4, init_lora_weights=False,
                                target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
    with torch.no_grad():
        for name, parameter in unet.named_parameters():
            if "lora_" in name:  # strong enough to change a 2-step picture
                parameter.mul_(4.0)
    StableDiffusionPipeline.save_lora_weights(
        out, unet_lora_layers=get_peft_model_state_dict(unet), safe_serialization=True)
    return out / "pytorch_lora_weights.safetensors"


def build_controlnet(model: Path, out: Path) -> Path:
    """A ControlNet made from the tiny SD 1.5 UNet (as ControlNet training starts)."""
    import torch
    from diffusers import ControlNetModel, UNet2DConditionModel

    torch.manual_seed(2)
    unet = UNet2DConditionModel.from_pretrained(model / "unet")
    controlnet = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(4, 8))
    # Its "zero convolutions" start at zero (no effect until trained): give them weights.
    with torch.no_grad():
        for name, parameter in controlnet.named_parameters():
            if name.startswith(("controlnet_down_blocks", "controlnet_mid_block",
                                "controlnet_cond_embedding.conv_out")):
                parameter.normal_(0.0, 0.5)
    controlnet.save_pretrained(out)
    return out


def _t5_tokenizer():
    """A T5-style (Unigram, metaspace) tokenizer over printable ASCII, built in memory."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -1.0),
             *((chr(c), -1.0) for c in range(32, 127))]
    model = Tokenizer(models.Unigram(vocab, unk_id=2, byte_fallback=False))
    model.pre_tokenizer = pre_tokenizers.Metaspace()
    return PreTrainedTokenizerFast(tokenizer_object=model, pad_token="<pad>", eos_token="</s>",
                                   unk_token="<unk>", model_max_length=512), len(vocab)


def build_flux(folder: Path, seed: int = 0) -> Path:
    """A FLUX.1-shaped pipeline (model_index: FluxPipeline): CLIP and T5 text encoders,
    a flow-matching transformer, a 1-channel VAE (latents packed 2x2)."""
    import torch
    from diffusers import (
        AutoencoderKL,
        FlowMatchEulerDiscreteScheduler,
        FluxPipeline,
        FluxTransformer2DModel,
    )
    from transformers import CLIPTextModel, T5Config, T5EncoderModel

    torch.manual_seed(seed)
    tok = tokenizer(folder.parent / f"{folder.name}-vocab")
    tok2, t5_vocab = _t5_tokenizer()
    t5 = T5EncoderModel(T5Config(vocab_size=t5_vocab, d_model=32, d_kv=8, d_ff=37,
                                 num_layers=2, num_heads=4, relative_attention_num_buckets=8,
                                 pad_token_id=0, eos_token_id=1, decoder_start_token_id=0))
    transformer = FluxTransformer2DModel(
        patch_size=1, in_channels=4, num_layers=1, num_single_layers=1, attention_head_dim=16,
        num_attention_heads=2, joint_attention_dim=32, pooled_projection_dim=32,
        axes_dims_rope=[4, 4, 8])
    vae = AutoencoderKL(sample_size=32, in_channels=3, out_channels=3, block_out_channels=(4,),
                        layers_per_block=1, latent_channels=1, norm_num_groups=1,
                        use_quant_conv=False, use_post_quant_conv=False, shift_factor=0.0609,
                        scaling_factor=1.5035)
    pipe = FluxPipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae,
                        text_encoder=CLIPTextModel(_text_config(len(tok), projection_dim=32)),
                        tokenizer=tok, text_encoder_2=t5, tokenizer_2=tok2,
                        transformer=transformer)
    pipe.save_pretrained(folder)
    return folder
