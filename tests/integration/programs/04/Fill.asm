// While a key is held, the screen is black; otherwise white. Runs forever.
(KEYBOARD)
    @KBD
    D=M
    @BLACK
    D;JNE
    @color
    M=0
    @PAINT
    0;JMP
(BLACK)
    @color
    M=-1
(PAINT)
    @SCREEN          // p = first screen word
    D=A
    @p
    M=D
(WORD)
    @color
    D=M
    @p
    A=M
    M=D              // *p = color
    @p
    MD=M+1           // p++
    @KBD
    D=D-A
    @WORD
    D;JLT            // until p reaches the keyboard
    @KEYBOARD
    0;JMP
