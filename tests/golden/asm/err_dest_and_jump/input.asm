X=D
MM=D
=D
0;JMPX
D;
0;jmp
