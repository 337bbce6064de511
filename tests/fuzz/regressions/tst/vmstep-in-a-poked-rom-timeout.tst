// ad,  // Load all thV easm on the CPU emulator.
// Beforst

load,  // Load all thV eM// This ents os FibonacciSeries.asm on the CPU emulator.
// Beforst

load,  // Load all thV eM ifles from theÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿibonacciSeries.asm on the CPU emulator.
// Before executi file ÿÿÿÿÿÿÿÿÿÿÿÿÿÿset RAM[0] 2,
set ROM[2] -1;  // Ensure that program initialized product to 0
repeat 40 {
  ticktock;
}
set RAM[0] 0,   // Restore arguments in case proÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿter

repeat 2 {       // SimpleAdd.vm has 3 inst<>ruction]s
  vmstep;
}

output;          // theÿÿÿÿÿÿut;
