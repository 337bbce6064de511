// a script with a mistake on line 3
load sum.asm,
set X 1,
