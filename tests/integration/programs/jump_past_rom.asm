// A=-1 then jumps there: past the end of ROM.
    A=-1
    0;JMP
