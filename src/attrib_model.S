/* attrib_model.S - data/attrib.model (tools/train_attrib.c) in the
 * library's read-only data: the tagger needs no file at run time
 * (src/attrib.h). */
    .section .rodata
    .balign 16
    .globl sl_attrib_model
    .hidden sl_attrib_model
sl_attrib_model:
    .incbin "data/attrib.model"
    .globl sl_attrib_model_end
    .hidden sl_attrib_model_end
sl_attrib_model_end:
    .section .note.GNU-stack,"",@progbits
