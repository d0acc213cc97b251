; idx's addition to the C and C++ tags: macros (the grammars' tags.scm have
; none). References are not added: `idx refs` finds uses through the
; trigram index instead of storing every call site.
(preproc_def name: (identifier) @name) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.macro

; A function defined through a macro, as the kernel writes
;   SYSCALL_DEFINE1(acct, const char __user *, name) { ... }
; tree-sitter reads a call statement followed by a block; ctags calls the
; macro's name a function there, and so does idx (at top level or inside
; #if blocks).
(translation_unit
  (expression_statement (call_expression function: (identifier) @name)) @definition.function
  .
  (compound_statement))
(preproc_if
  (expression_statement (call_expression function: (identifier) @name)) @definition.function
  .
  (compound_statement))
(preproc_ifdef
  (expression_statement (call_expression function: (identifier) @name)) @definition.function
  .
  (compound_statement))
(preproc_else
  (expression_statement (call_expression function: (identifier) @name)) @definition.function
  .
  (compound_statement))
(preproc_elif
  (expression_statement (call_expression function: (identifier) @name)) @definition.function
  .
  (compound_statement))

; The same with no argument but the name, BPF_CALL_0(bpf_ktime_get_ns) { ... },
; which reads as type BPF_CALL_0 and a parenthesised declarator.
(function_definition
  type: (type_identifier) @name
  declarator: (parenthesized_declarator)) @definition.function
