; idx's addition to the C and C++ tags: macros (the grammars' tags.scm have
; none). References are not added: `idx refs` finds uses through the
; trigram index instead of storing every call site.
(preproc_def name: (identifier) @name) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.macro
