// Reads past the keyboard: a machine error in strict mode, -1 when relaxed.
    @30000
    D=M
    @R1
    M=D
