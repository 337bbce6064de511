// Counts in R0 forever: never halts.
(LOOP)
    @R0
    M=M+1
    @LOOP
    0;JMP
