// The keyword arguments Hugging Face TRL's GRPOConfig accepts, so the exported
// TRL script (share/export.ts) uses only real field names: its test checks
// every `name=` inside `GRPOConfig(...)` against these lists. Names only,
// read off the dataclass; no code copied.
//
// GRPO_FIELDS: the fields GRPOConfig itself declares, from
// trl/trainer/grpo_config.py of huggingface/trl at commit
// 006d32c9bf5da698815726ebd0de78b404e8163d (main on the way to 1.1.0: its
// VERSION file read 1.1.0.dev0). Older TRLs lack some of them, and took
// scale_rewards as a bool before it took 'group' | 'batch' | 'none': the
// script names this version in its header.
//
// TRAINING_ARGS_FIELDS: the transformers.TrainingArguments fields (GRPOConfig
// subclasses it) that the script sets; a short list of long-stable names.

export const TRL_SOURCE = { repo: 'huggingface/trl', path: 'trl/trainer/grpo_config.py', commit: '006d32c9bf5da698815726ebd0de78b404e8163d', version: '1.1.0.dev0' } as const;

export const GRPO_FIELDS: readonly string[] = [
  // model and reference model
  'model_init_kwargs', 'disable_dropout', 'cast_lm_head_to_fp32',
  // data preprocessing
  'remove_unused_columns', 'num_generations', 'num_generations_eval', 'max_completion_length', 'ds3_gather_for_generation', 'shuffle_dataset',
  // generation
  'generation_batch_size', 'steps_per_generation', 'temperature', 'top_p', 'top_k', 'min_p', 'generation_kwargs', 'chat_template_kwargs',
  'repetition_penalty', 'use_transformers_paged', 'cache_implementation',
  // vLLM
  'use_vllm', 'vllm_mode', 'vllm_model_impl', 'vllm_enable_sleep_mode', 'vllm_structured_outputs_regex', 'vllm_server_base_url',
  'vllm_server_host', 'vllm_server_port', 'vllm_server_timeout', 'vllm_group_port', 'vllm_gpu_memory_utilization', 'vllm_max_model_length',
  'vllm_tensor_parallel_size',
  // training
  'learning_rate', 'beta', 'num_iterations', 'epsilon', 'delta', 'epsilon_high', 'sapo_temperature_neg', 'sapo_temperature_pos',
  'importance_sampling_level', 'reward_weights', 'multi_objective_aggregation', 'scale_rewards', 'loss_type', 'mask_truncated_completions',
  'sync_ref_model', 'ref_model_mixup_alpha', 'ref_model_sync_steps', 'top_entropy_quantile', 'max_tool_calling_iterations',
  'vllm_importance_sampling_correction', 'vllm_importance_sampling_mode', 'vllm_importance_sampling_cap', 'off_policy_mask_threshold',
  'use_bias_correction_kl',
  // logging
  'log_completions', 'num_completions_to_print', 'log_unique_prompts', 'log_completions_hub_repo',
];

export const TRAINING_ARGS_FIELDS: readonly string[] = [
  'output_dir', 'per_device_train_batch_size', 'gradient_accumulation_steps', 'max_steps', 'lr_scheduler_type', 'lr_scheduler_kwargs',
  'warmup_steps', 'weight_decay', 'adam_beta1', 'adam_beta2', 'adam_epsilon', 'max_grad_norm', 'seed', 'logging_steps', 'report_to',
];

/** Every keyword GRPOConfig(...) accepts among those this project knows. */
export const GRPO_CONFIG_KEYWORDS: ReadonlySet<string> = new Set([...GRPO_FIELDS, ...TRAINING_ARGS_FIELDS]);
