// A deliberately wrong Mult: forgets to clear R2 first, so the course's Mult.tst (which sets R2 to -1
// before each run) must fail at its first output line.
    @R0
    D=M
    @n
    M=D
(LOOP)
    @n
    D=M
    @END
    D;JEQ
    @R1
    D=M
    @R2
    M=D+M
    @n
    M=M-1
    @LOOP
    0;JMP
(END)
    @END
    0;JMP
