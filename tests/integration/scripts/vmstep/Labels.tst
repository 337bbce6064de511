// vmstep and labels, as the course's VM emulator counts them. Labels.cmp is the course's VM emulator's output
// for this script (its VMProgram.getNextInstruction steps over the labels after the command it ran; a label's
// address is that of the command after it, so a jump to a label followed by another label lands on that
// label, a step that does nothing). Against Labels.vm:
// step 1 is `label START` (the program starts at its first command, a label); the taken `if-goto LOOP` is
// followed by a step on `label LOOP_TOP`; the if-gotos not taken and `if-goto NEXT` (NEXT is followed by a
// push) are not; `call`, then `function Labels.twice 0` is a step; `goto OUT` lands on `return`; the end is
// a loop of two steps, `goto END` and `label END2`.
load Labels.vm,
output-file Labels.out,
compare-to Labels.cmp,
output-list RAM[0]%D1.4.1 RAM[5]%D1.4.1 RAM[6]%D1.4.1;
set sp 256, set local 300, set argument 400, set this 3000, set that 3010,
output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
