// R2 = R0 * R1, for R0, R1 >= 0, by shift-and-add over the bits of R1: at most 16 rounds, whatever the
// operands (a repeated addition of R0, R1 times, would not finish inside the course script's cycle budget
// for large operands).
    @R2
    M=0
    @R0
    D=M
    @addend          // addend = R0, doubled each round
    M=D
    @R1
    D=M
    @rest            // rest = the bits of R1 still to do
    M=D
    @bit             // bit = 1, 2, 4, ...
    M=1
(LOOP)
    @rest
    D=M
    @END
    D;JEQ            // no bits left
    @bit
    D=D&M
    @SKIP
    D;JEQ            // this bit of R1 is 0
    @addend
    D=M
    @R2
    M=D+M            // R2 += addend
    @bit
    D=M
    @rest
    M=M-D            // clear the bit from rest
(SKIP)
    @addend
    D=M
    M=D+M            // addend *= 2
    @bit
    D=M
    M=D+M            // bit *= 2
    @LOOP
    D;JNE            // stop when the bit has shifted out
(END)
    @END
    0;JMP
