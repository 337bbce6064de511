// A .hack that is not there: the folder's VM code, with the bootstrap, as the course's translator makes it.
load Missing.hack,
output-file Fallback.out,
output-list RAM[0]%D1.6.1 RAM[16]%D1.6.1 PC%D1.6.1;
repeat 300 { ticktock; }
output;
