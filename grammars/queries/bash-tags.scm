; tree-sitter-bash ships no tags.scm: functions, variables and commands.
(function_definition name: (word) @name) @definition.function
(variable_assignment name: (variable_name) @name) @definition.variable
(command name: (command_name (word) @name)) @reference.call
