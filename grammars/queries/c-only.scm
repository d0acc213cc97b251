; idx's addition to the C tags only: C++'s grammar has no
; macro_type_specifier (the query would not compile there).

; And a macro line that ends in a body-less definition, as ctags reports
; BTF_SET_END(bpf_lsm_hooks) followed by the next macro.
(function_definition
  type: (macro_type_specifier name: (identifier) @name)) @definition.function
