/* ner_model.S - data/ner.model (tools/train_ner.c) in the library's
 * read-only data: the tagger needs no file at run time (src/ner.h). */
    .section .rodata
    .balign 16
    .globl sl_ner_model
    .hidden sl_ner_model
sl_ner_model:
    .incbin "data/ner.model"
    .globl sl_ner_model_end
    .hidden sl_ner_model_end
sl_ner_model_end:
    .section .note.GNU-stack,"",@progbits
