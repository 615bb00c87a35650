# labs/plots/tseq.gp — called by tseq.sh with term, out and dat set.
set terminal @term font "DejaVu Sans,11"
set output out
set title "TCP: secuencia / sequence vs. tiempo / time"
set xlabel "tiempo / time (s)"
set ylabel "bytes (relativos / relative)"
set key top left
set grid
plot dat using 1:($4 == 0 ? $2 : NaN) with points pt 7 ps 0.8 lc rgb "#1f77b4" \
       title "seq + len (cliente → servidor / client → server)", \
     dat using 1:($4 == 1 ? $2 : NaN) with points pt 6 ps 1.6 lw 2 lc rgb "#d62728" \
       title "retransmisión / retransmission", \
     dat using 1:3 with steps lc rgb "#2ca02c" lw 1.5 \
       title "ack (servidor → cliente / server → client)"
