#!/usr/bin/perl
# tests/it/smpp_smsc.pl - a small SMPP 3.4 SMSC for the USSD integration test,
# on Net::SMPP (Debian libnet-smpp-perl). It plays the operator's side:
# bearerbox binds to it as an ESME (transceiver), it delivers MOs (SMS or USSD
# steps) that a test writes to a control FIFO, and it records every submit_sm
# Kannel sends back, TLVs included, as one JSON line each.
#
#   smpp_smsc.pl PORT FIFO LOG
#
# FIFO lines:   MO <from> <to> <op|-> <session|-> <text...>
#   op       ussd_service_op (TLV 0x0501, one byte): 1 = the user dialled,
#            18 = the user's answer; '-' = a plain SMS (no USSD TLVs)
#   session  its_session_info (TLV 0x1383, two bytes, decimal); '-' = none
#   text     sent as GSM/ASCII (data_coding 0); a USSD dial's text is the code
# LOG lines: {"ev":"bind"|"submit_sm"|"deliver_sm"|...,...}; submit_sm has
#   to, from, text, dcs, and tlv {"0x0501":"02","0x1383":"0007"} (hex).
# Stops on SIGTERM/SIGINT. One ESME at a time (a new bind replaces the old).
use strict;
use warnings;
use Net::SMPP;
use IO::Select;
use POSIX qw(mkfifo);
use JSON::PP;
use Encode qw(decode);
use Time::HiRes qw(time);

my ($port, $fifo, $logf) = @ARGV;
die "usage: $0 PORT FIFO LOG\n" unless $port && $fifo && $logf;
$| = 1;
open(my $log, '>>', $logf) or die "$logf: $!";
$log->autoflush(1);
my $json = JSON::PP->new->utf8->canonical;

sub event {
	my %e = @_;
	$e{t} = sprintf('%.3f', time);
	print $log $json->encode(\%e), "\n";
}

my $stop = 0;
$SIG{TERM} = $SIG{INT} = sub { $stop = 1 };

unless (-p $fifo) { mkfifo($fifo, 0600) or die "mkfifo $fifo: $!"; }
# read-write: opening never blocks and the FIFO never reads EOF between writers
open(my $ctl, '+<', $fifo) or die "$fifo: $!";

my $srv = Net::SMPP->new_listen('127.0.0.1', port => $port, smpp_version => 0x34,
    system_id => 'itsmsc', async => 1) or die "listen 127.0.0.1:$port: $!";
my $sel = IO::Select->new($srv, $ctl);
my ($esme, $next_id) = (undef, 1);
event(ev => 'listening', port => $port);

# TLVs of a decoded PDU are its numeric keys (Net::SMPP keeps unknown tags so)
sub tlvs {
	my ($pdu) = @_;
	my %t;
	for my $k (keys %$pdu) {
		$t{sprintf('0x%04x', $k)} = unpack('H*', $pdu->{$k}) if $k =~ /^\d+$/;
	}
	return \%t;
}

sub deliver {
	my ($line) = @_;
	my ($from, $to, $op, $sess, $text) =
	    $line =~ /^MO\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/ or return event(ev => 'bad_line', line => $line);
	return event(ev => 'not_bound', line => $line) unless $esme;
	my @tlv;
	push @tlv, (ussd_service_op => chr($op)) if $op ne '-';
	push @tlv, (its_session_info => pack('n', $sess)) if $sess ne '-';
	my $seq = $esme->deliver_sm(source_addr_ton => 1, source_addr_npi => 1, source_addr => $from,
	    dest_addr_ton => 0, dest_addr_npi => 1, destination_addr => $to, esm_class => 0,
	    data_coding => 0, short_message => $text, service_type => ($op ne '-' ? 'USSD' : ''), @tlv);
	event(ev => 'deliver_sm', seq => $seq, from => $from, to => $to, op => $op, session => $sess,
	    text => $text);
}

sub answer {
	my $pdu = $esme->read_pdu;
	unless ($pdu) {
		event(ev => 'disconnect');
		$sel->remove($esme);
		close $esme;
		$esme = undef;
		return;
	}
	my $cmd = $pdu->{cmd};
	my %bind = (0x09 => 'bind_transceiver_resp', 0x02 => 'bind_transmitter_resp',
	    0x01 => 'bind_receiver_resp');
	if ($bind{$cmd}) {
		event(ev => 'bind', system_id => $pdu->{system_id});
		my $resp = $bind{$cmd};
		$esme->$resp(seq => $pdu->{seq}, system_id => 'itsmsc');
	} elsif ($cmd == 0x15) {
		$esme->enquire_link_resp(seq => $pdu->{seq});
	} elsif ($cmd == 0x06) {
		$esme->unbind_resp(seq => $pdu->{seq});
		event(ev => 'unbind');
	} elsif ($cmd == 0x04) {
		my $id = $next_id++;
		my $sm = $pdu->{short_message} // '';
		event(ev => 'submit_sm', from => $pdu->{source_addr}, to => $pdu->{destination_addr},
		    dcs => $pdu->{data_coding}, esm_class => $pdu->{esm_class},
		    text => (($pdu->{data_coding} & 0x0c) == 0x08 ? decode('UTF-16BE', $sm)
			: decode('ISO-8859-1', $sm)),
		    tlv => tlvs($pdu), message_id => "$id");
		$esme->submit_sm_resp(seq => $pdu->{seq}, message_id => "$id");
	} elsif ($cmd == 0x80000005) {
		event(ev => 'deliver_sm_resp', seq => $pdu->{seq}, status => $pdu->{status});
	} elsif (!($cmd & 0x80000000)) {
		event(ev => 'other', cmd => sprintf('0x%08x', $cmd));
		$esme->generic_nack(seq => $pdu->{seq}, status => 3);
	}
}

until ($stop) {
	for my $fh ($sel->can_read(0.5)) {
		if ($fh == $srv) {
			my $c = $srv->accept or next;
			if ($esme) { $sel->remove($esme); close $esme; }
			$esme = $c;
			$sel->add($esme);
			event(ev => 'connect');
		} elsif ($fh == $ctl) {
			my $line = <$ctl>;
			next unless defined $line;
			chomp $line;
			deliver($line);
		} else {
			answer();
		}
	}
}
event(ev => 'stopped');
