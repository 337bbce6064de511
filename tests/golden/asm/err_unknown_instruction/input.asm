  foo
load R0
@x y
