D=X
D=A+D
M=M+D
AM=M+2
D=
