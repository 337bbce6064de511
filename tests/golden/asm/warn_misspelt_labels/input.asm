// Symbols that look like misspelt labels: the program assembles as the course's assembler would (each is
// a variable), with a warning. Variables used as memory are never warned about, even near a label.
    @stop           // a variable used as memory, though (STOP) is a label: no warning
    M=0
    @count          // a variable only ever loaded as an address: not near a label, no warning
    D=A
(LOOP)
    @stop
    M=M+1
    @loop           // the label LOOP in the wrong case: never used as memory
    D=A
    @LOOOP          // one letter too many: jumped to
    D;JGT
    @NOWHERE        // jumped to, and no label near: a jump into a variable's address
    0;JMP
(STOP)
    @ENDD           // the classic: (END) misspelt
    0;JMP
(END)
    @END
    0;JMP
