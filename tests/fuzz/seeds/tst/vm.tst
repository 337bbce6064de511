// The VM emulator's variables, on the harness's Sys.vm and Main.vm.
load,
output-file Vm.out,
output-list sp%D1.6.1 local%D1.6.1 argument%D1.6.1 this%D1.6.1 that%D1.6.1 local[0]%D1.6.1 argument[1]%D1.6.1
            temp[0]%D1.6.1 this[2]%D1.6.1 that[3]%D1.6.1 currentFunction%S1.15.1 line%D1.4.1;
set sp 256, set local 300, set argument 400, set this 3000, set that 4000,
vmstep, output;
vmstep, vmstep, vmstep, output;
set local[0] 2, set argument[1] 9, set temp[0] 3,
vmstep, output;
load Main.vm,
vmstep, output;
