; idx's additions to the C and C++ tags (the grammars' tags.scm have no
; references and no macros).
(call_expression function: (identifier) @name) @reference.call
(preproc_def name: (identifier) @name) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.macro
