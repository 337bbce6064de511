// Six instructions: the start-up benchmark (hackbench --startup) and the no-display-library test.
@2
D=A
@3
D=D+A
@0
M=D
