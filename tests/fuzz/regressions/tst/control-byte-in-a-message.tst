// ÿÿcmp,

set sp 317,
set localtio 317,nCalls/StaticsTest/St