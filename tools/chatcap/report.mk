# tools/chatcap/report.mk: the page of chatcap --html. Its HTML, CSS and
# JavaScript (tools/chatcap/report/) are built into chatcap as byte arrays
# by report/embed.sh (od and sed; no other build step); cap_html.c deflates
# large reports with zlib.
CAP_REPORT     := tools/chatcap/report
CAP_REPORT_JS  := $(addprefix $(CAP_REPORT)/,inflate.js core.js tables.js ladder.js \
                  kernel.js stevens.js step.js main.js)
CAP_REPORT_SRC := $(CAP_REPORT)/page.html $(CAP_REPORT)/report.css \
                  $(CAP_REPORT_JS)
CAP_REPORT_C   := $(BUILD)/gen/cap_report_assets.c
CAP_REPORT_O   := $(BUILD)/gen/cap_report_assets.o
PKGS           += zlib

$(CAP_REPORT_C): $(CAP_REPORT)/embed.sh $(CAP_REPORT_SRC)
	@mkdir -p $(dir $@)
	sh $(CAP_REPORT)/embed.sh $@ page $(CAP_REPORT)/page.html -- \
	  css $(CAP_REPORT)/report.css -- js $(CAP_REPORT_JS)

$(CAP_REPORT_O): $(CAP_REPORT_C)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BIN)/chatcap: $(CAP_REPORT_O)
$(BIN)/chatcap: LDLIBS += -lz
