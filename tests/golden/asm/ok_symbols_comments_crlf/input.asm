// Sums 1..100 into sum
   @i          // i = 1
   M=1
   @sum
   M=0
(LOOP)
   @i
   D=M
   @100
   D=D-A
   @END
   D;JGT

   @i
   D=M
   @sum
   M=D+M
   @i
   M=M+1
   @LOOP
   0;JMP
(END)
   @END
   0;JMP
@R0
@R15
@SP
@LCL
@ARG
@THIS
@THAT
@SCREEN
@KBD
@32767
@0
