# labs/plots/tseq.gp — called by tseq.sh with term, out and dat set, and
# data and ack: the direction of the data plotted, and of its ACKs.
set terminal @term font "DejaVu Sans,11"
set output out
set title "TCP: secuencia / sequence vs. tiempo / time\n(datos / data: ".data.")"
set xlabel "tiempo / time (s)"
set ylabel "bytes (relativos / relative)"
set key top left
set grid
# The window edge is usually far above the data: keep the data's scale and
# let that line leave the frame when it does.
stats dat index 0 using 2 nooutput
set yrange [0:STATS_max * 1.25 + 1]
plot dat index 0 using 1:($3 == 0 ? $2 : NaN) with points pt 7 ps 0.8 \
       lc rgb "#1f77b4" title "seq + len (".data.")", \
     dat index 0 using 1:($3 == 1 ? $2 : NaN) with points pt 6 ps 1.6 lw 2 \
       lc rgb "#d62728" title "retransmisión / retransmission", \
     dat index 1 using 1:2 with steps lc rgb "#2ca02c" lw 1.5 \
       title "ack (".ack.")", \
     dat index 1 using 1:3 with steps dt 2 lc rgb "#7f7f7f" lw 1 \
       title "ack + ventana / window"
